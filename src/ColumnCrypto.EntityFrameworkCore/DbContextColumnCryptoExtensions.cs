using ColumnCrypto.Data;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.EntityFrameworkCore.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.EntityFrameworkCore;

/// <summary>ColumnCrypto's view of a DbContext's database.</summary>
public static class DbContextColumnCryptoExtensions
{
    /// <summary>
    /// The database of <paramref name="context"/> as ColumnCrypto's SQL works on it (key table, registry, coverage,
    /// re-encryption, verification): its provider, new connections from its connection string, and the key table's
    /// name and schema from <c>UseColumnEncryption</c>. The context itself is not kept.
    /// </summary>
    /// <exception cref="NotSupportedException">The provider is neither PostgreSQL nor SQLite, or the database is a private in-memory SQLite database.</exception>
    public static ColumnCryptoDatabase GetColumnCryptoDatabase(this DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ContextDatabase.FromContext(context);
    }

    /// <summary>
    /// Records every encrypted column of <paramref name="context"/>'s model in the encrypted-column registry of its
    /// database (rows of columns that left the model are kept), as <c>UseDbContextKeyStore&lt;TContext&gt;()</c> does at
    /// start-up. The registry table must exist.
    /// </summary>
    /// <returns>The columns recorded.</returns>
    public static Task<IReadOnlyList<EncryptedColumnRegistration>> RecordEncryptedColumnsAsync(this DbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ModelEncryptedColumns.RecordAsync(context, new EncryptedColumnRegistry(context.GetColumnCryptoDatabase()), NullLogger.Instance, cancellationToken);
    }
}
