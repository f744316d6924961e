namespace ColumnCrypto.Data.BlindIndexes;

/// <summary>What one blind-index build did.</summary>
/// <param name="TargetVersion">The index key version rows were indexed with (the newest when the run started).</param>
/// <param name="Columns">Per searchable column.</param>
/// <param name="Duplicates">Rows whose new index equals another row's in a unique index (see <see cref="BlindIndexDuplicate"/>).</param>
/// <param name="Elapsed">The run's duration.</param>
public sealed record BlindIndexRunResult(int TargetVersion, IReadOnlyList<ColumnBlindIndexResult> Columns, IReadOnlyList<BlindIndexDuplicate> Duplicates, TimeSpan Elapsed)
{
    /// <summary>Whether every non-null value of every searchable column now has an index on the target key.</summary>
    public bool Complete => Columns.All(c => c.Remaining == 0);

    /// <summary>Rows indexed (or re-indexed), over all columns.</summary>
    public long Indexed => Columns.Sum(c => c.Indexed);

    /// <summary>Values that could not be indexed (they do not decrypt), over all columns.</summary>
    public long Failed => Columns.Sum(c => c.Failed);
}

/// <summary>What a build did to one searchable column.</summary>
/// <param name="Schema">The table's schema, or null.</param>
/// <param name="Table">The table name.</param>
/// <param name="Column">The encrypted column.</param>
/// <param name="IndexColumn">The column holding its index.</param>
/// <param name="Indexed">Rows whose index was written (missing, on an older index key, or under another normalization).</param>
/// <param name="ChangedMeanwhile">Rows the application changed between read and write: left to the application's write (which set the index).</param>
/// <param name="Failed">Values that do not decrypt or read, left without a new index (logged with their row key).</param>
/// <param name="Remaining">Rows whose index is still missing or not on the target key and normalization, counted afresh after the run.</param>
/// <param name="Total">Rows with a value.</param>
public sealed record ColumnBlindIndexResult(string? Schema, string Table, string Column, string IndexColumn, long Indexed, long ChangedMeanwhile, long Failed, long Remaining, long Total)
{
    /// <summary>Rows indexed on the target key, as a percentage (100 for an empty column).</summary>
    public double Percent => Total == 0 ? 100 : 100.0 * (Total - Remaining) / Total;
}

/// <summary>
/// A row whose index under the new key equals the index of another row in a unique index: the two rows hold the same
/// value, one written under the old index key and one under the new, which the unique index could not see until now.
/// The row keeps its old index (lookups still find it) until the duplicate is resolved; the column stays incomplete.
/// </summary>
/// <param name="Table">The table, schema-qualified.</param>
/// <param name="Column">The encrypted column.</param>
/// <param name="Row">The row left on its old index, as <c>column=value, ...</c>.</param>
/// <param name="ConflictsWith">The row already holding the new index.</param>
public sealed record BlindIndexDuplicate(string Table, string Column, string Row, string ConflictsWith);

/// <summary>The blind indexes of one searchable column, counted by index key version.</summary>
/// <param name="Schema">The table's schema, or null.</param>
/// <param name="Table">The table name.</param>
/// <param name="Column">The encrypted column.</param>
/// <param name="IndexesByVersion">Rows with a value, per index key version of their index (under the column's normalization).</param>
/// <param name="Missing">Rows with a value and no index, or an index under another normalization or format.</param>
/// <param name="Total">Rows with a value.</param>
public sealed record BlindIndexCoverage(string? Schema, string Table, string Column, IReadOnlyDictionary<int, long> IndexesByVersion, long Missing, long Total)
{
    /// <summary>Rows whose index is on <paramref name="version"/>.</summary>
    public long On(int version) => IndexesByVersion.GetValueOrDefault(version);
}
