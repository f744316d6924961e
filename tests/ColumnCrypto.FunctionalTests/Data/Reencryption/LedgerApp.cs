using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

/// <summary>
/// One application instance over a ledger database, wired as a user would: AddColumnCrypto with a local master key,
/// the key table in LedgerContext's database, UseColumnEncryption (optionally with plaintext reads). Several
/// instances over one database are several app instances (or re-encryption workers).
/// </summary>
public sealed class LedgerApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private LedgerApp(ServiceProvider services, TestDatabase database)
    {
        _services = services;
        Database = database;
    }

    public TestDatabase Database { get; }

    public IServiceProvider Services => _services;

    public ColumnEncryptor Encryptor => _services.GetRequiredService<ColumnEncryptor>();

    public IDataKeyManager Keys => _services.GetRequiredService<IDataKeyManager>();

    public LedgerContext NewContext() => _services.GetRequiredService<IDbContextFactory<LedgerContext>>().CreateDbContext();

    public ColumnCryptoDatabase CryptoDatabase
    {
        get
        {
            using var context = NewContext();
            return context.GetColumnCryptoDatabase();
        }
    }

    /// <summary>What ColumnCrypto logged, when the app was made with <c>collectLogs</c>.</summary>
    public FakeLogCollector Logs => _services.GetRequiredService<FakeLogCollector>();

    public static async Task<LedgerApp> StartAsync(TestDatabase database, MasterKeyFile masterKey, TimeProvider? time = null, bool allowPlaintextReads = false, bool createSchema = true, bool collectLogs = false)
    {
        var app = Create(database, masterKey, time, allowPlaintextReads, collectLogs);
        if (createSchema)
        {
            await using var context = app.NewContext();
            await context.Database.EnsureCreatedAsync();
        }

        await app.Keys.InitializeAsync(CancellationToken.None);
        return app;
    }

    /// <summary>Builds an instance without touching the database (keys are not loaded yet).</summary>
    public static LedgerApp Create(TestDatabase database, MasterKeyFile masterKey, TimeProvider? time = null, bool allowPlaintextReads = false, bool collectLogs = false)
    {
        var services = new ServiceCollection();
        if (collectLogs)
        {
            services.AddFakeLogging();
        }

        services.AddSingleton(time ?? TimeProvider.System);
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path)
            .UseDbContextKeyStore<LedgerContext>()
            .WithoutHostedService();
        services.AddDbContextFactory<LedgerContext>((sp, o) => database.Configure(o)
            .UseColumnEncryption(sp, e =>
            {
                if (allowPlaintextReads)
                {
                    e.AllowPlaintextReads();
                }
            })
            .ConfigureWarnings(w => w.Ignore(CoreEventId.ManyServiceProvidersCreatedWarning)));
        return new LedgerApp(services.BuildServiceProvider(), database);
    }

    /// <summary>Records the model's encrypted columns, as the hosted service does at start-up.</summary>
    public async Task<IReadOnlyList<EncryptedColumnRegistration>> RecordColumnsAsync()
    {
        await using var context = NewContext();
        return await context.RecordEncryptedColumnsAsync();
    }

    public ColumnReencryptor Reencryptor(int batchSize = 100, int workers = 1) =>
        ColumnReencryptor.Create(CryptoDatabase, _services, new ReencryptionOptions { BatchSize = batchSize, PauseBetweenBatches = 0, Workers = workers });

    public DataKeyLifecycle Retirement => _services.GetRequiredService<DataKeyLifecycle>();

    public EncryptedColumnRegistry Registry => new(CryptoDatabase);

    public async Task<List<Account>> AddAccountsAsync(int count, long firstId = 1)
    {
        var accounts = Enumerable.Range(0, count).Select(i => WithId(Account.Sample(firstId + i), firstId + i)).ToList();
        await using var context = NewContext();
        context.Accounts.AddRange(accounts);
        await context.SaveChangesAsync();
        return accounts;
    }

    public async Task<Dictionary<long, Account>> ReadAccountsAsync()
    {
        await using var context = NewContext();
        return await context.Accounts.AsNoTracking().ToDictionaryAsync(a => a.Id);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    private static Account WithId(Account account, long id)
    {
        account.Id = id;
        return account;
    }
}
