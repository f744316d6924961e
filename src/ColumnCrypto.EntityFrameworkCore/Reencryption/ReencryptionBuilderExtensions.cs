using ColumnCrypto.Configuration;
using ColumnCrypto.EntityFrameworkCore.Reencryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.DependencyInjection;

/// <summary>Registers background re-encryption, retirement and the column registry for an EF Core application.</summary>
public static class ReencryptionColumnCryptoBuilderExtensions
{
    /// <summary>
    /// Re-encrypts <typeparamref name="TContext"/>'s database in the background: a hosted service records the context's
    /// encrypted columns and runs <see cref="ColumnReencryptor"/> every <c>reencryption.interval</c> minutes. Also
    /// registers <see cref="ColumnReencryptor"/>, <see cref="DataKeyRetirement"/> and <see cref="EncryptedColumnRegistry"/>
    /// for that database. The context must be registered (<c>AddDbContext</c> or <c>AddDbContextFactory</c>) with
    /// <c>UseColumnEncryption</c>.
    /// </summary>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="configure">Overrides of the <c>reencryption:</c> settings (batch size, interval, pause, workers).</param>
    public static ColumnCryptoBuilder AddReencryption<TContext>(this ColumnCryptoBuilder builder, Action<ReencryptionOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure<ColumnCryptoOptions>(o => configure(o.Reencryption));
        }

        services.TryAddSingleton(sp => Database<TContext>(sp));
        services.TryAddSingleton(sp => ColumnReencryptor.Create(sp.GetRequiredService<ColumnCryptoDatabase>(), sp,
            sp.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Reencryption));
        services.TryAddSingleton(sp => DataKeyRetirement.Create(sp.GetRequiredService<ColumnCryptoDatabase>(), sp));
        services.TryAddSingleton(sp => new EncryptedColumnRegistry(sp.GetRequiredService<ColumnCryptoDatabase>(),
            sp.GetService<Microsoft.Extensions.Logging.ILogger<EncryptedColumnRegistry>>(), sp.GetService<TimeProvider>()));
        services.AddHostedService<ReencryptionService<TContext>>();
        return builder;
    }

    /// <summary>
    /// Records <typeparamref name="TContext"/>'s encrypted columns in the registry when the host starts, without
    /// re-encrypting. <c>UseDbContextKeyStore&lt;TContext&gt;()</c> calls it; call it for other contexts of the same database.
    /// </summary>
    public static ColumnCryptoBuilder RecordEncryptedColumns<TContext>(this ColumnCryptoBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, EncryptedColumnRegistrySyncService<TContext>>());
        return builder;
    }

    private static ColumnCryptoDatabase Database<TContext>(IServiceProvider services)
        where TContext : DbContext
    {
        using var scope = services.CreateScope();
        using var context = scope.ServiceProvider.GetService<IDbContextFactory<TContext>>() is { } factory
            ? factory.CreateDbContext()
            : scope.ServiceProvider.GetRequiredService<TContext>();
        return ColumnCryptoDatabase.FromContext(context);
    }
}
