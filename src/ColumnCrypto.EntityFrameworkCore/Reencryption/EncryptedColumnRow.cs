using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// A row of <c>columncrypto_encrypted_columns</c>, mapped in the application's model only so that migrations create the
/// table; the library reads and writes it with its own SQL (see <see cref="EncryptedColumnRegistry"/>).
/// </summary>
[PrimaryKey(nameof(TableSchema), nameof(TableName), nameof(ColumnName))]
internal sealed class EncryptedColumnRow
{
    public string TableSchema { get; set; } = string.Empty;

    public string TableName { get; set; } = string.Empty;

    public string ColumnName { get; set; } = string.Empty;

    public string KeyColumns { get; set; } = string.Empty;

    public string Storage { get; set; } = string.Empty;

    public string EncryptionContext { get; set; } = string.Empty;

    public string ValueType { get; set; } = string.Empty;

    public string ClrType { get; set; } = string.Empty;

    public bool PlaintextAllowed { get; set; }

    public string ContextType { get; set; } = string.Empty;

    public DateTimeOffset UpdatedAt { get; set; }
}
