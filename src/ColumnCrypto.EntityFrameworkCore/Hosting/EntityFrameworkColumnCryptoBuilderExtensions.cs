using System.Diagnostics.CodeAnalysis;
using ColumnCrypto.Configuration;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.EntityFrameworkCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>EF Core choices for <c>AddColumnCrypto</c>: the key table in a context's database, and its re-encryption.</summary>
public static class EntityFrameworkColumnCryptoBuilderExtensions
{
    /// <summary>
    /// Keeps the data keys in the key table of <typeparamref name="TContext"/>'s database (the context's model has it:
    /// <c>UseColumnEncryption</c> adds it, so migrations create it). ColumnCrypto reaches the table with its own SQL on
    /// connections of its own, made from the context's connection string, so its key work never runs on a connection the
    /// application is using. When the host starts, the context's encrypted columns are recorded in the database's
    /// encrypted-column registry, for re-encryption, key retirement and the <c>columncrypto</c> tool. The context must be
    /// registered (<c>AddDbContext</c> or <c>AddDbContextFactory</c>) with <c>UseColumnEncryption</c>; PostgreSQL and
    /// SQLite are supported.
    /// </summary>
    /// <typeparam name="TContext">The application's context.</typeparam>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder UseDbContextKeyStore<[DynamicallyAccessedMembers(ContextTypes.Members)] TContext>(this ColumnCryptoBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.RecordEncryptedColumns<TContext>();
        return builder.UseSqlKeyStore(DatabaseOf<TContext>);
    }

    /// <summary>
    /// Records <typeparamref name="TContext"/>'s encrypted columns in the registry when the host starts and before every
    /// background re-encryption run, without making it the key store's context. <c>UseDbContextKeyStore&lt;TContext&gt;()</c>
    /// calls it; call it for other contexts of the same database.
    /// </summary>
    /// <typeparam name="TContext">A context whose model has encrypted properties.</typeparam>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder RecordEncryptedColumns<[DynamicallyAccessedMembers(ContextTypes.Members)] TContext>(this ColumnCryptoBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEncryptedColumnRecorder, ModelColumnRecorder<TContext>>(sp => new ModelColumnRecorder<TContext>(
            sp, (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<ModelColumnRecorder<TContext>>())));
        return builder;
    }

    /// <summary>
    /// Re-encrypts <typeparamref name="TContext"/>'s database in the background: a hosted service records the
    /// context's encrypted columns and runs <c>ColumnReencryptor</c> every <c>reencryption.interval</c> minutes. Also
    /// registers the <c>ColumnReencryptor</c> for that database. Without <c>UseDbContextKeyStore</c>, the database is
    /// <typeparamref name="TContext"/>'s.
    /// </summary>
    /// <typeparam name="TContext">The application's context.</typeparam>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="configure">Overrides of the <c>reencryption:</c> settings (batch size, interval, pause, workers).</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder AddReencryption<[DynamicallyAccessedMembers(ContextTypes.Members)] TContext>(this ColumnCryptoBuilder builder, Action<ReencryptionOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(DatabaseOf<TContext>);
        return builder.RecordEncryptedColumns<TContext>().AddReencryption(configure);
    }

    private static ColumnCryptoDatabase DatabaseOf<[DynamicallyAccessedMembers(ContextTypes.Members)] TContext>(IServiceProvider services)
        where TContext : DbContext
    {
        var lease = new ContextLease<TContext>(services);
        try
        {
            return ContextDatabase.FromContext(lease.Context);
        }
        finally
        {
            // Nothing in it awaits: the context only told its provider and connection string.
            lease.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
