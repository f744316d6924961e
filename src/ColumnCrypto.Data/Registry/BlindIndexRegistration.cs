using ColumnCrypto.Search;

namespace ColumnCrypto.Data.Registry;

/// <summary>
/// The blind index of a searchable encrypted column, as the registry records it (table <c>columncrypto_blind_indexes</c>).
/// </summary>
/// <param name="IndexColumn">The column holding the index, in the same table (by default <c>&lt;column&gt;_bidx</c>).</param>
/// <param name="Normalization">How strings are normalized before hashing.</param>
public sealed record BlindIndexRegistration(string IndexColumn, BlindIndexNormalization Normalization)
{
    /// <summary>
    /// Whether every row has an index under <see cref="Normalization"/> (as read from the registry; when recording a
    /// column, the registry decides). Lookups are refused while the index is being built.
    /// </summary>
    public BlindIndexStatus Status { get; init; } = BlindIndexStatus.Building;
}

/// <summary>The state of a searchable column's blind index.</summary>
public enum BlindIndexStatus
{
    /// <summary>
    /// Some rows may have no index, or one under another normalization (the column just became searchable, or its
    /// normalization changed): lookups would miss them, so they are refused until <c>BlindIndexBuilder.RunAsync</c> has
    /// indexed every row.
    /// </summary>
    Building = 0,

    /// <summary>Every row has an index under the recorded normalization: lookups are allowed.</summary>
    Ready = 1,
}
