using ColumnCrypto.Cli.Database;
using ColumnCrypto.Cli.Output;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Cli.Hosting;

/// <summary>
/// One command's run: its parsed common options, output, configuration and database, and the ColumnCrypto services
/// wired as an application would (AddColumnCrypto, AddAwsKms, the SQL key store), built on first use.
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

    /// <summary>The database as ColumnCrypto's library works on it: key table, registry, coverage, re-encryption.</summary>
    public ColumnCryptoDatabase CryptoDatabase => _cryptoDatabase ??= Database.ToColumnCryptoDatabase(KeyTable);

    public DataKeyLifecycle Lifecycle => Services.GetRequiredService<DataKeyLifecycle>();

    public EncryptedColumnRegistry Registry => Services.GetRequiredService<EncryptedColumnRegistry>();

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
        var missing = await ColumnCryptoSchema.FindMissingTablesAsync(CryptoDatabase, cancellationToken).ConfigureAwait(false);
        if (missing.Contains(CryptoDatabase.KeyTableDisplayName))
        {
            throw new Failures.CliException(ExitCodes.Error,
                $"The {Database.DisplayName} has no data key table ({CryptoDatabase.KeyTableDisplayName}). Run 'columncrypto init' (or the application's migrations) first, or check --connection" +
                (KeyTable is null ? ", or pass --key-table if the application names its key table with KeyTable(name, schema)." : " and --key-table."));
        }
    }

    /// <summary>
    /// The start of every command that uses the keys: the key table exists, the master key (when one is used) exists,
    /// and the configured key unwraps every active data key (exit 5 otherwise), before anything is changed.
    /// </summary>
    public async Task LoadKeysAsync(CancellationToken cancellationToken)
    {
        await RequireKeyTableAsync(cancellationToken).ConfigureAwait(false);
        RequireMasterKey();
        await Keys.RefreshAsync(cancellationToken).ConfigureAwait(false);
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
        var services = new ServiceCollection();
        services.AddSingleton(Environment.Time);
        services.AddLogging(logging =>
        {
            logging.ClearProviders();
            if (Verbose)
            {
                logging.SetMinimumLevel(LogLevel.Information);
                logging.AddProvider(new StandardErrorLoggerProvider(Environment.Error));
            }
        });
        // The services read the whole --config file themselves, then take the tool's changes (default key file, rewrap target).
        var crypto = configuration.ConfigFile is { } file
            ? services.AddColumnCrypto(file, configuration.Apply)
            : services.AddColumnCrypto(configuration.Apply);
        crypto.UseSqlKeyStore(CryptoDatabase)
            .AddAwsKms()
            .WithoutHostedService();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }
}
