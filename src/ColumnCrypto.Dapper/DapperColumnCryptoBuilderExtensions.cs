using ColumnCrypto.Dapper;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Dapper's encrypted columns in <c>AddColumnCrypto</c>.</summary>
public static class DapperColumnCryptoBuilderExtensions
{
    /// <summary>
    /// Declares the application's encrypted columns in one call: registers Dapper's type handler for their
    /// <see cref="Encrypted{T}"/> values, and records them in the encrypted-column registry when the host starts and
    /// before every background re-encryption run, so re-encryption, key retirement and the <c>columncrypto</c> tool
    /// see them. Needs the SQL key store (<c>UseSqlKeyStore(database)</c>); ColumnCrypto's tables must exist
    /// (<c>ColumnCryptoSchema.CreateMissingTablesAsync</c>, the SQL scripts, or <c>columncrypto init</c>).
    /// </summary>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="columns">The column handles, for example <c>Shop.Email, Shop.CreditLimit</c>.</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder AddDapperColumns(this ColumnCryptoBuilder builder, params IEncryptedColumnHandle[] columns)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns)
        {
            ArgumentNullException.ThrowIfNull(column, nameof(columns));
            column.RegisterTypeHandler();
        }

        builder.Services.AddSingleton<IEncryptedColumnRecorder>(new DapperColumnRecorder([.. columns.Select(c => c.Registration)]));
        return builder;
    }
}
