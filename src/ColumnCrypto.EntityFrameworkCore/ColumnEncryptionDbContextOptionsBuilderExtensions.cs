using ColumnCrypto;
using ColumnCrypto.EntityFrameworkCore;
using ColumnCrypto.EntityFrameworkCore.Infrastructure;
using ColumnCrypto.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Turns on column encryption for a DbContext.</summary>
public static class ColumnEncryptionDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Encrypts every property marked <see cref="EncryptedAttribute"/> or <c>IsEncrypted()</c>, and adds the data key
    /// table to the model. Call it after the database provider (<c>UseNpgsql</c>, <c>UseSqlite</c>, ...).
    /// </summary>
    /// <param name="optionsBuilder">The context options.</param>
    /// <param name="services">The application's services, where <c>AddColumnCrypto</c> registered the <see cref="ColumnEncryptor"/>.</param>
    /// <param name="configure">Optional settings (key table name and schema).</param>
    public static DbContextOptionsBuilder UseColumnEncryption(this DbContextOptionsBuilder optionsBuilder, IServiceProvider services, Action<ColumnEncryptionOptionsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var blindIndex = services.GetService<ColumnCrypto.Search.BlindIndex>();
        return optionsBuilder.UseColumnEncryption(services.GetRequiredService<ColumnEncryptor>(), o =>
        {
            if (blindIndex is not null)
            {
                o.UseBlindIndex(blindIndex);
            }

            configure?.Invoke(o);
        });
    }

    /// <summary>
    /// Encrypts every property marked <see cref="EncryptedAttribute"/> or <c>IsEncrypted()</c> with
    /// <paramref name="encryptor"/>, and adds the data key table to the model. Call it after the database provider.
    /// </summary>
    public static DbContextOptionsBuilder UseColumnEncryption(this DbContextOptionsBuilder optionsBuilder, ColumnEncryptor encryptor, Action<ColumnEncryptionOptionsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        ArgumentNullException.ThrowIfNull(encryptor);
        if (!optionsBuilder.Options.Extensions.Any(e => e.Info.IsDatabaseProvider))
        {
            throw new InvalidOperationException(
                "UseColumnEncryption must be called after the database provider is configured, for example " +
                "options.UseNpgsql(connectionString).UseColumnEncryption(services). No provider was configured yet.");
        }

        var extension = optionsBuilder.Options.FindExtension<ColumnEncryptionOptionsExtension>() is { } existing && ReferenceEquals(existing.Encryptor, encryptor)
            ? existing
            : new ColumnEncryptionOptionsExtension(encryptor);
        var settings = new ColumnEncryptionOptionsBuilder(extension);
        configure?.Invoke(settings);
        ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(settings.Extension);

        // A compiled model (UseModel before this call) gets its encrypted properties bound to this encryptor now.
        CompiledModelBinder.Bind(optionsBuilder.Options.FindExtension<CoreOptionsExtension>()?.Model, optionsBuilder.Options);

        // SaveChanges reserves its encryptions before its transaction starts (see EncryptionReservationInterceptor).
        if (optionsBuilder.Options.FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<EncryptionReservationInterceptor>().Any() != true)
        {
            optionsBuilder.AddInterceptors(new EncryptionReservationInterceptor(encryptor));
        }

        return optionsBuilder;
    }

    /// <inheritdoc cref="UseColumnEncryption(DbContextOptionsBuilder, IServiceProvider, Action{ColumnEncryptionOptionsBuilder}?)"/>
    public static DbContextOptionsBuilder<TContext> UseColumnEncryption<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, IServiceProvider services, Action<ColumnEncryptionOptionsBuilder>? configure = null)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)((DbContextOptionsBuilder)optionsBuilder).UseColumnEncryption(services, configure);

    /// <inheritdoc cref="UseColumnEncryption(DbContextOptionsBuilder, ColumnEncryptor, Action{ColumnEncryptionOptionsBuilder}?)"/>
    public static DbContextOptionsBuilder<TContext> UseColumnEncryption<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, ColumnEncryptor encryptor, Action<ColumnEncryptionOptionsBuilder>? configure = null)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)((DbContextOptionsBuilder)optionsBuilder).UseColumnEncryption(encryptor, configure);
}
