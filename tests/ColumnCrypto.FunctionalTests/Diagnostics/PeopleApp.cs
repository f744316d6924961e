using ColumnCrypto.Configuration;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.Diagnostics;

/// <summary>
/// An ADO.NET application over a real database (no EF): ColumnCrypto's tables, a <c>people</c> table with an encrypted
/// <c>email</c> column recorded in the registry, re-encryption, and the ColumnCrypto health check. Instances over the
/// same database are instances of one application.
/// </summary>
internal sealed class PeopleApp : IAsyncDisposable
{
    public static readonly EncryptedColumn Email = new("people", "email");

    private readonly ServiceProvider _services;

    private PeopleApp(ServiceProvider services, TestDatabase database)
    {
        _services = services;
        Database = database;
    }

    public TestDatabase Database { get; }

    public IServiceProvider Services => _services;

    public ColumnEncryptor Encryptor => _services.GetRequiredService<ColumnEncryptor>();

    public IDataKeyManager Keys => _services.GetRequiredService<IDataKeyManager>();

    public DataKeyLifecycle Lifecycle => _services.GetRequiredService<DataKeyLifecycle>();

    public ColumnReencryptor Reencryptor => _services.GetRequiredService<ColumnReencryptor>();

    /// <summary>An instance (nothing is read yet); <paramref name="createTables"/> creates ColumnCrypto's tables and <c>people</c>.</summary>
    public static async Task<PeopleApp> CreateAsync(TestDatabase database, MasterKeyFile masterKey, FakeTimeProvider time,
        bool createTables = false, Action<ColumnCryptoOptions>? configure = null, int batchSize = 1000)
    {
        var crypto = database.ColumnCryptoDatabase();
        if (createTables)
        {
            await ColumnCryptoSchema.CreateMissingTablesAsync(crypto);
            await database.ExecuteAsync("CREATE TABLE people (id integer PRIMARY KEY, email " + (database.Provider == Provider.PostgreSql ? "bytea" : "BLOB") + ")");
        }

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging();
        services.AddColumnCrypto(o =>
            {
                o.MasterKey.File = masterKey.Path;
                configure?.Invoke(o);
            })
            .UseSqlKeyStore(crypto)
            .AddReencryption(o =>
            {
                o.PauseBetweenBatches = 0; // the fake clock would never end a pause
                o.BatchSize = batchSize;
            })
            .WithoutHostedService();
        services.AddHealthChecks().AddColumnCrypto();
        return new PeopleApp(services.BuildServiceProvider(), database);
    }

    /// <summary>Writes people <paramref name="from"/> to <paramref name="to"/> under the newest key and records the column.</summary>
    public async Task WritePeopleAsync(int from, int to)
    {
        for (var id = from; id <= to; id++)
        {
            await Database.ExecuteAsync("INSERT INTO people (id, email) VALUES (@id, @email)", ("@id", id), ("@email", Encryptor.Encrypt(Email, $"person{id}@example.com")));
        }

        await _services.GetRequiredService<EncryptedColumnRegistry>().RegisterAsync(
            EncryptedColumnRegistration.For<string>(Email, null, "people", "email", ["id"]));
    }

    /// <summary>The ColumnCrypto entry of a health report made by the real <see cref="HealthCheckService"/>.</summary>
    public async Task<HealthReportEntry> HealthAsync() =>
        (await _services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["columncrypto"];

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
