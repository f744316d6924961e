namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// How many values of each recorded encrypted column use each data key version: what decides whether a key can be
/// retired, and how far re-encryption has come. Counted from the ciphertext headers (nothing is decrypted).
/// </summary>
/// <param name="Columns">One entry per column of the registry.</param>
/// <param name="CountedAt">When the count was taken.</param>
public sealed record KeyCoverageReport(IReadOnlyList<ColumnKeyCoverage> Columns, DateTimeOffset CountedAt)
{
    /// <summary>The values, over all columns, whose header names <paramref name="version"/>.</summary>
    public long ValuesUsing(int version) => Columns.Sum(c => c.ValuesByVersion.GetValueOrDefault(version));

    /// <summary>The columns with at least one value under <paramref name="version"/>.</summary>
    public IReadOnlyList<ColumnKeyCoverage> ColumnsUsing(int version) => [.. Columns.Where(c => c.ValuesByVersion.GetValueOrDefault(version) > 0)];

    /// <summary>Every key version some value uses, ascending.</summary>
    public IReadOnlyList<int> VersionsInUse => [.. Columns.SelectMany(c => c.ValuesByVersion.Where(p => p.Value > 0).Select(p => p.Key)).Distinct().Order()];
}

/// <summary>The key versions of one column's values.</summary>
/// <param name="Schema">The table's schema, or null.</param>
/// <param name="Table">The table name.</param>
/// <param name="Column">The column name.</param>
/// <param name="ValuesByVersion">Non-null values per key version in their header.</param>
/// <param name="Plaintext">Non-null values with no ColumnCrypto header (legacy plaintext, or foreign data).</param>
/// <param name="Damaged">Values that start with ColumnCrypto's magic bytes but have no valid header.</param>
public sealed record ColumnKeyCoverage(string? Schema, string Table, string Column, IReadOnlyDictionary<int, long> ValuesByVersion, long Plaintext, long Damaged)
{
    /// <summary>Every non-null value.</summary>
    public long Total => ValuesByVersion.Values.Sum() + Plaintext + Damaged;

    /// <summary>Values under <paramref name="version"/> or a newer key.</summary>
    public long AtOrAbove(int version) => ValuesByVersion.Where(p => p.Key >= version).Sum(p => p.Value);

    /// <summary>The column as <c>schema.table.column</c> or <c>table.column</c>.</summary>
    public override string ToString() => string.IsNullOrEmpty(Schema) ? $"{Table}.{Column}" : $"{Schema}.{Table}.{Column}";
}
