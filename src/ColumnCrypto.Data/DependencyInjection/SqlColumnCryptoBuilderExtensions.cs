using ColumnCrypto.Configuration;
using ColumnCrypto.Data;
using ColumnCrypto.Data.BlindIndexes;
using ColumnCrypto.Data.Coverage;
using ColumnCrypto.Data.KeyStore;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Search.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>ColumnCrypto over ADO.NET: the key table, registry and re-encryption in a database, without EF Core.</summary>
public static class SqlColumnCryptoBuilderExtensions
{
    /// <summary>
    /// Keeps the data keys in the key table of <paramref name="database"/>, reached through connections of
    /// ColumnCrypto's own, and registers the database's encrypted-column registry (<see cref="EncryptedColumnRegistry"/>),
    /// the key usage count that retirement relies on, and the recording of encrypted columns at start-up. For Dapper
    /// and ADO.NET applications; EF Core applications call <c>UseDbContextKeyStore&lt;TContext&gt;()</c>, which uses this
    /// with their context's database. Create ColumnCrypto's tables with migrations, the scripts in <c>migrations/</c>,
    /// <c>columncrypto init</c> or <see cref="ColumnCrypto.Data.Schema.ColumnCryptoSchema.CreateMissingTablesAsync"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="database">The database, for example <c>ColumnCryptoDatabase.Create(ColumnCryptoDatabaseProvider.PostgreSql, () => new NpgsqlConnection(cs))</c>.</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder UseSqlKeyStore(this ColumnCryptoBuilder builder, ColumnCryptoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return builder.UseSqlKeyStore(_ => database);
    }

    /// <summary>As <see cref="UseSqlKeyStore(ColumnCryptoBuilder, ColumnCryptoDatabase)"/>, with the database made from the application's services on first use.</summary>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="database">Creates the database (called once).</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder UseSqlKeyStore(this ColumnCryptoBuilder builder, Func<IServiceProvider, ColumnCryptoDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(database);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(database));
        services.TryAddSingleton(sp => new EncryptedColumnRegistry(
            sp.GetRequiredService<ColumnCryptoDatabase>(), Loggers(sp).CreateLogger<EncryptedColumnRegistry>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IDataKeyUsage>(sp => new SqlKeyUsage(
            sp.GetRequiredService<ColumnCryptoDatabase>(), sp.GetRequiredService<EncryptedColumnRegistry>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<IEncryptedColumnRecorder>()));
        services.TryAddSingleton<IBlindIndexUsage>(sp => BlindIndexBuilder.Create(sp.GetRequiredService<ColumnCryptoDatabase>(), sp));
        services.TryAddSingleton(sp => new EncryptedColumnRecording(
            sp.GetServices<IEncryptedColumnRecorder>(), sp.GetRequiredService<EncryptedColumnRegistry>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EncryptedColumnRecordingService>(sp => new EncryptedColumnRecordingService(
            sp.GetServices<IEncryptedColumnRecorder>(), sp.GetRequiredService<EncryptedColumnRegistry>(), sp.GetRequiredService<ColumnCryptoDatabase>(),
            Loggers(sp).CreateLogger<EncryptedColumnRecordingService>())));
        return builder.UseDataKeyStore(sp => new SqlDataKeyStore(sp.GetRequiredService<ColumnCryptoDatabase>));
    }

    /// <summary>
    /// Re-encrypts the database of the SQL key store in the background: a hosted service records the encrypted columns
    /// and runs <see cref="ColumnReencryptor"/> every <c>reencryption.interval</c> minutes. Also registers the
    /// <see cref="ColumnReencryptor"/> itself. Needs <see cref="UseSqlKeyStore(ColumnCryptoBuilder, ColumnCryptoDatabase)"/>
    /// (or <c>UseDbContextKeyStore&lt;TContext&gt;()</c>).
    /// </summary>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="configure">Overrides of the <c>reencryption:</c> settings (batch size, interval, pause, workers).</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder AddReencryption(this ColumnCryptoBuilder builder, Action<ReencryptionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure<ColumnCryptoOptions>(o => configure(o.Reencryption));
        }

        services.TryAddSingleton(sp => ColumnReencryptor.Create(
            sp.GetService<ColumnCryptoDatabase>() ?? throw new InvalidOperationException(
                "AddReencryption needs the database of ColumnCrypto's tables: call UseSqlKeyStore(database) or UseDbContextKeyStore<TContext>() on the builder first."),
            sp,
            sp.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Reencryption));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReencryptionService>(sp => new ReencryptionService(
            sp.GetRequiredService<ColumnReencryptor>(), sp.GetRequiredService<EncryptedColumnRecording>(), sp.GetRequiredService<IOptions<ColumnCryptoOptions>>(),
            sp.GetRequiredService<TimeProvider>(), Loggers(sp).CreateLogger<ReencryptionService>())));
        return builder;
    }

    // The packages depend on the logging abstractions only: without registered logging, nothing is logged.
    private static ILoggerFactory Loggers(IServiceProvider services) => services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
