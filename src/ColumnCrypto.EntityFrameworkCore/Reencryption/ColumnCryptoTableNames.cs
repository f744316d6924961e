namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// The names of ColumnCrypto's own tables besides the data key table. They live in the key table's schema, so operator
/// tools find them from the connection string alone. The shapes are those of <c>migrations/*/0002_columncrypto_reencryption.sql</c>.
/// </summary>
internal static class ColumnCryptoTableNames
{
    /// <summary>One row per encrypted column: what the re-encryption, coverage and retirement work on.</summary>
    public const string EncryptedColumns = "columncrypto_encrypted_columns";

    /// <summary>One row per encrypted column: the progress of the latest re-encryption run.</summary>
    public const string ReencryptionProgress = "columncrypto_reencryption_progress";
}
