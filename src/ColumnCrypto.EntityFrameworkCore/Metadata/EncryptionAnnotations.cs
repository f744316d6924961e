namespace ColumnCrypto.EntityFrameworkCore.Metadata;

/// <summary>
/// Model annotations that mark a property as encrypted. They are plain strings, so they survive in migration snapshots.
/// </summary>
internal static class EncryptionAnnotations
{
    /// <summary>Set on an encrypted property; the value is the <see cref="EncryptedStorage"/> name.</summary>
    public const string Storage = "ColumnCrypto:Encrypted";

    /// <summary>An optional <c>table.column</c> bound into the ciphertexts instead of the mapped names.</summary>
    public const string Context = "ColumnCrypto:Context";

    /// <summary>Marks the entity types of ColumnCrypto's own tables (the key table, the registry, the progress table).</summary>
    public const string OwnTable = "ColumnCrypto:Table";
}
