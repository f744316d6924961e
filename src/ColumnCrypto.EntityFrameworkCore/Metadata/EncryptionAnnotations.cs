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

    /// <summary>Set on a searchable encrypted property; the value is the <see cref="ColumnCrypto.Search.BlindIndexNormalization"/> name.</summary>
    public const string Searchable = "ColumnCrypto:Searchable";

    /// <summary>An optional name of the column holding a searchable property's blind index.</summary>
    public const string IndexColumn = "ColumnCrypto:IndexColumn";

    /// <summary>Set on the shadow property holding a searchable property's blind index; the value is that property's name.</summary>
    public const string IndexOf = "ColumnCrypto:IndexOf";

    /// <summary>Marks the entity types of ColumnCrypto's own tables (the key table, the registry, the progress table).</summary>
    public const string OwnTable = "ColumnCrypto:Table";
}
