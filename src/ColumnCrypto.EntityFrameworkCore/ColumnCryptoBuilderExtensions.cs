using ColumnCrypto.EntityFrameworkCore.KeyStore;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.DependencyInjection;

/// <summary>EF Core choices for <c>AddColumnCrypto</c>.</summary>
public static class ColumnCryptoBuilderEntityFrameworkExtensions
{
    /// <summary>
    /// Keeps the data keys in the key table of <typeparamref name="TContext"/>'s database. The context must be
    /// registered (<c>AddDbContext</c> or <c>AddDbContextFactory</c>) and configured with <c>UseColumnEncryption</c>,
    /// which puts the key table in its model. When the host starts, the context's encrypted columns are recorded in
    /// the database's encrypted-column registry (see <c>RecordEncryptedColumns</c>).
    /// </summary>
    public static ColumnCryptoBuilder UseDbContextKeyStore<TContext>(this ColumnCryptoBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Re-encryption and retirement tools find the encrypted columns in the database (issue 4).
        builder.RecordEncryptedColumns<TContext>();
        return builder.UseDataKeyStore(services => new DbContextDataKeyStore<TContext>(() =>
        {
            if (services.GetService<IDbContextFactory<TContext>>() is { } factory)
            {
                return new ContextLease<TContext>(factory.CreateDbContext(), null);
            }

            var scope = services.CreateScope();
            return new ContextLease<TContext>(scope.ServiceProvider.GetRequiredService<TContext>(), scope);
        }));
    }

    /// <summary>
    /// Keeps the data keys in the key table of the contexts <paramref name="createContext"/> returns (each is disposed
    /// after one key operation). For applications that create contexts themselves.
    /// </summary>
    public static ColumnCryptoBuilder UseDbContextKeyStore<TContext>(this ColumnCryptoBuilder builder, Func<TContext> createContext)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(createContext);
        return builder.UseDataKeyStore(_ => CreateStore(createContext));
    }

    /// <summary>A data key store over contexts from <paramref name="createContext"/>, without DI.</summary>
    public static IDataKeyStore CreateStore<TContext>(Func<TContext> createContext)
        where TContext : DbContext =>
        new DbContextDataKeyStore<TContext>(() => new ContextLease<TContext>(createContext(), null));
}
