using ColumnCrypto.Cli.Database;
using ColumnCrypto.Cli.Output;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.EntityFrameworkCore.Reencryption;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Cli.Hosting;

/// <summary>
/// One command's run: its parsed common options, output, configuration and database, and the ColumnCrypto services
/// wired as an application would (AddColumnCrypto, AddAwsKms, the key table through a DbContext), built on first use.
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private readonly Func<CliConfiguration> _loadConfiguration;
    private readonly Func<DatabaseTarget> _resolveDatabase;
    private CliConfiguration? _configuration;
    private DatabaseTarget? _database;
    private ServiceProvider? _services;
    private ColumnCryptoDatabase? _cryptoDatabase;

    public CliSession(CliEnvironment environment, CliOutput output, bool verbose, KeyTableName? keyTable, Func<CliConfiguration> loadConfiguration, Func<DatabaseTarget> resolveDatabase)
    {
        Environment = environment;
        Output = output;
        Verbose = verbose;
        KeyTable = keyTable;
        _loadConfiguration = loadConfiguration;
        _resolveDatabase = resolveDatabase;
    }

    public CliEnvironment Environment { get; }

    public CliOutput Output { get; }

    public bool Verbose { get; }

    /// <summary>The key table given with --key-table; null for the default name.</summary>
    public KeyTableName? KeyTable { get; }

    public CliConfiguration Configuration => _configuration ??= _loadConfiguration();

    public DatabaseTarget Database => _database ??= _resolveDatabase();

    public IServiceProvider Services => _services ??= BuildServices();

    public IDataKeyManager Keys => Services.GetRequiredService<IDataKeyManager>();

    public IDataKeyStore KeyStore => Services.GetRequiredService<IDataKeyStore>();

    /// <summary>The database as the re-encryption, coverage, retirement and registry APIs work on it (their own SQL).</summary>
    public ColumnCryptoDatabase CryptoDatabase => _cryptoDatabase ??= KeyTable is { } keyTable
        ? ColumnCryptoDatabase.Create(Provider, Database.CreateConnection, keyTable.Schema, keyTable.Name)
        : ColumnCryptoDatabase.Create(Provider, Database.CreateConnection);

    private ColumnCryptoDatabaseProvider Provider =>
        Database.Provider == DatabaseProvider.Sqlite ? ColumnCryptoDatabaseProvider.Sqlite : ColumnCryptoDatabaseProvider.PostgreSql;

    public DataKeyRetirement Retirement => DataKeyRetirement.Create(CryptoDatabase, Services);

    public EncryptedColumnRegistry Registry => new(CryptoDatabase, Services.GetService<ILogger<EncryptedColumnRegistry>>(), Environment.Time);

    public ColumnCryptoTablesContext NewContext() =>
        Services.GetRequiredService<IDbContextFactory<ColumnCryptoTablesContext>>().CreateDbContext();

    /// <summary>Fails unless the master key (when one is used) exists: commands other than init never create it.</summary>
    public void RequireMasterKey()
    {
        if (Configuration.MasterKey is { Exists: false } missing)
        {
            throw missing.Missing(Configuration.Options);
        }
    }

    /// <summary>
    /// Fails with "run init" when the database has no data key table (instead of the database's "no such table"). Also
    /// proves the database is reachable before any key is touched.
    /// </summary>
    public async Task RequireKeyTableAsync(CancellationToken cancellationToken)
    {
        Database.EnsureExists();
        await using var context = NewContext();
        var keyTable = ColumnCryptoSchema.Display(ColumnCryptoSchema.KeyTable(context));
        var missing = await ColumnCryptoSchema.FindMissingAsync(context, Database.Provider, cancellationToken).ConfigureAwait(false);
        if (missing.Contains(ColumnCryptoSchema.KeyTable(context)))
        {
            throw new Failures.CliException(ExitCodes.Error,
                $"The {Database.DisplayName} has no data key table ({keyTable}). Run 'columncrypto init' (or the application's migrations) first, or check --connection" +
                (KeyTable is null ? ", or pass --key-table if the application names its key table with KeyTable(name, schema)." : " and --key-table."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ServiceProvider BuildServices()
    {
        var configuration = Configuration;
        var database = Database;
        var services = new ServiceCollection();
        services.AddSingleton(Environment.Time);
        services.AddLogging(logging =>
        {
            logging.ClearProviders();
            if (Verbose)
            {
                logging.SetMinimumLevel(LogLevel.Information);
                logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
                logging.AddProvider(new StandardErrorLoggerProvider(Environment.Error));
            }
        });
        // The services read the whole --config file themselves, then take the tool's changes (default key file, rewrap target).
        var crypto = configuration.ConfigFile is { } file
            ? services.AddColumnCrypto(file, configuration.Apply)
            : services.AddColumnCrypto(configuration.Apply);
        crypto.UseDbContextKeyStore<ColumnCryptoTablesContext>()
            .AddAwsKms()
            .WithoutHostedService();
        services.AddDbContextFactory<ColumnCryptoTablesContext>((sp, options) => database.Configure(options)
            .UseColumnEncryption(sp, encryption =>
            {
                if (KeyTable is { } keyTable)
                {
                    encryption.KeyTable(keyTable.Name, keyTable.Schema);
                }
            })

            // One run builds one provider; tests that run the tool many times in one process would trip this warning.
            .ConfigureWarnings(w => w.Ignore(CoreEventId.ManyServiceProvidersCreatedWarning)));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
