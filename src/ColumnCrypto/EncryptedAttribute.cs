namespace ColumnCrypto;

/// <summary>
/// Marks a property whose values are stored encrypted (AES-256-GCM under the newest data key) and read back in clear.
/// Encrypted values are randomized: the column cannot be filtered, ordered, grouped or joined on in the database,
/// unless it is <see cref="Searchable"/>, which allows equality lookups through a blind index.
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

    /// <summary>
    /// Allows equality lookups (<c>==</c>, <c>!=</c>, <c>Contains</c>) and unique indexes: a companion column (a shadow
    /// property, <see cref="IndexColumn"/>) holds a keyed hash of each value, a blind index. The value itself stays
    /// randomized. The index shows which rows hold equal values, and how often each value occurs: on a column with few
    /// distinct values (a status, a country, a yes/no) that is close to showing the values. See the README's Searchable columns.
    /// </summary>
    public bool Searchable { get; set; }

    /// <summary>How strings are normalized for lookups (with <see cref="Searchable"/>): exact by default.</summary>
    public Search.BlindIndexNormalization Normalization { get; set; } = Search.BlindIndexNormalization.Exact;

    /// <summary>The column holding the blind index (with <see cref="Searchable"/>); by default the column's name followed by <c>_bidx</c>.</summary>
    public string? IndexColumn { get; set; }
}

/// <summary>How an encrypted value is stored in its column.</summary>
public enum EncryptedStorage
{
    /// <summary>Raw bytes (PostgreSQL <c>bytea</c>, SQLite <c>BLOB</c>): the default and the most compact.</summary>
    Binary = 0,

    /// <summary>Base64 text, for columns that must stay text. About a third larger than <see cref="Binary"/>.</summary>
    Base64Text = 1,
}
