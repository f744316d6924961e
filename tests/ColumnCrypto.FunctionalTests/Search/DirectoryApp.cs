using ColumnCrypto.Configuration;
using ColumnCrypto.Data;
using ColumnCrypto.Data.BlindIndexes;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Verification;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>
/// One application instance over a directory database: a local master key, the key table in DirectoryContext's
/// database, and blind-index keys given in code (fixed bytes, shared by every instance of a test).
/// </summary>
public sealed class DirectoryApp : IAsyncDisposable
{
    public static readonly byte[] IndexKey1 = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    public static readonly byte[] IndexKey2 = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    private readonly ServiceProvider _services;

    private DirectoryApp(ServiceProvider services, TestDatabase database)
    {
        _services = services;
        Database = database;
    }

    public TestDatabase Database { get; }

    public IServiceProvider Services => _services;

    public BlindIndex BlindIndex => _services.GetRequiredService<BlindIndex>();

    public ColumnEncryptor Encryptor => _services.GetRequiredService<ColumnEncryptor>();

    public IDataKeyManager Keys => _services.GetRequiredService<IDataKeyManager>();

    public DirectoryContext NewContext() => _services.GetRequiredService<IDbContextFactory<DirectoryContext>>().CreateDbContext();

    public ColumnCryptoDatabase CryptoDatabase
    {
        get
        {
            using var context = NewContext();
            return context.GetColumnCryptoDatabase();
        }
    }

    /// <summary>
    /// Builds an instance, creates the schema, loads the data keys and records the model's columns. The index keys are
    /// the key table's (as in production) unless <paramref name="indexKeys"/> gives them in code.
    /// </summary>
    public static async Task<DirectoryApp> StartAsync(
        TestDatabase database, MasterKeyFile masterKey, InMemoryBlindIndexKeys? indexKeys = null, bool record = true, TimeProvider? time = null, bool allowPlaintextReads = false)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var crypto = services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path)
            .UseDbContextKeyStore<DirectoryContext>()
            .WithoutHostedService();
        if (indexKeys is not null)
        {
            crypto.UseBlindIndexKeys(indexKeys);
        }

        services.AddDbContextFactory<DirectoryContext>((sp, o) => database.Configure(o).UseColumnEncryption(sp, e =>
            {
                if (allowPlaintextReads)
                {
                    e.AllowPlaintextReads();
                }
            })
            .ConfigureWarnings(w => w.Ignore(CoreEventId.ManyServiceProvidersCreatedWarning)));
        var app = new DirectoryApp(services.BuildServiceProvider(), database);
        await using (var context = app.NewContext())
        {
            await context.Database.EnsureCreatedAsync();
            if (record)
            {
                await context.RecordEncryptedColumnsAsync();
            }
        }

        await app.Keys.InitializeAsync(CancellationToken.None);
        return app;
    }

    /// <summary>Index keys with version 1.</summary>
    public static InMemoryBlindIndexKeys KeysV1()
    {
        var keys = new InMemoryBlindIndexKeys();
        keys.Add(1, IndexKey1);
        return keys;
    }

    public BlindIndexBuilder IndexBuilder(int batchSize = 50) =>
        BlindIndexBuilder.Create(CryptoDatabase, _services, new ReencryptionOptions { BatchSize = batchSize, PauseBetweenBatches = 0 });

    public ColumnReencryptor Reencryptor(int batchSize = 50) =>
        ColumnReencryptor.Create(CryptoDatabase, _services, new ReencryptionOptions { BatchSize = batchSize, PauseBetweenBatches = 0 });

    /// <summary>The columns as the registry records them now (with each blind index's status).</summary>
    public Task<IReadOnlyList<EncryptedColumnRegistration>> RecordedColumnsAsync() => new EncryptedColumnRegistry(CryptoDatabase).GetColumnsAsync();

    /// <summary>Verifies every recorded column, values and blind indexes, as <c>columncrypto verify</c> does.</summary>
    public async Task<List<ColumnVerification>> VerifyAsync()
    {
        var verifier = new EncryptedValueVerifier(Encryptor, BlindIndex, CryptoDatabase);
        var results = new List<ColumnVerification>();
        foreach (var column in await RecordedColumnsAsync())
        {
            results.Add(await verifier.VerifyAsync(column, maxFailuresKept: 100));
        }

        return results;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
