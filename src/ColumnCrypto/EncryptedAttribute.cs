namespace ColumnCrypto;

/// <summary>
/// Marks a property whose values are stored encrypted (AES-256-GCM under the newest data key) and read back in clear.
/// Encrypted values are randomized: the column cannot be filtered, ordered, grouped or joined on in the database.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class EncryptedAttribute : Attribute
{
    /// <summary>How the ciphertext is stored. Default <see cref="EncryptedStorage.Binary"/> (bytea / BLOB).</summary>
    public EncryptedStorage Storage { get; set; } = EncryptedStorage.Binary;

    /// <summary>
    /// The name bound into every ciphertext's authenticated data, as <c>table.column</c>. By default the property's
    /// table and column names. Set it to keep old values readable after renaming the table or column.
    /// </summary>
    public string? Context { get; set; }
}

/// <summary>How an encrypted value is stored in its column.</summary>
public enum EncryptedStorage
{
    /// <summary>Raw bytes (PostgreSQL <c>bytea</c>, SQLite <c>BLOB</c>): the default and the most compact.</summary>
    Binary = 0,

    /// <summary>Base64 text, for columns that must stay text. About a third larger than <see cref="Binary"/>.</summary>
    Base64Text = 1,
}
