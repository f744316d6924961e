namespace ColumnCrypto.Data.Reencryption;

/// <summary>What one re-encryption run did.</summary>
/// <param name="TargetVersion">The key version values were moved to (the newest when the run started).</param>
/// <param name="Columns">Per column.</param>
/// <param name="FailedTables">Tables that could not be read as the registry describes them, with the reason.</param>
/// <param name="RowsWritten">Rows written by this run (each row once per batch, whatever its number of columns).</param>
/// <param name="Elapsed">The run's duration.</param>
public sealed record ReencryptionRunResult(
    int TargetVersion,
    IReadOnlyList<ColumnReencryptionResult> Columns,
    IReadOnlyList<string> FailedTables,
    long RowsWritten,
    TimeSpan Elapsed)
{
    /// <summary>Rows written per second.</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? RowsWritten / Elapsed.TotalSeconds : 0;

    /// <summary>Whether every value of every recorded column is now on the target key (or newer).</summary>
    public bool Complete => FailedTables.Count == 0 && Columns.All(c => c.Remaining == 0);

    /// <summary>Values moved from an older key, over all columns.</summary>
    public long Reencrypted => Columns.Sum(c => c.Reencrypted);

    /// <summary>Plaintext values encrypted, over all columns.</summary>
    public long EncryptedPlaintext => Columns.Sum(c => c.EncryptedPlaintext);

    /// <summary>Values that could not be re-encrypted, over all columns.</summary>
    public long Failed => Columns.Sum(c => c.Failed);

    /// <summary>Values left alone because the application changed them meanwhile, over all columns.</summary>
    public long ChangedMeanwhile => Columns.Sum(c => c.ChangedMeanwhile);
}

/// <summary>What a run did to one column.</summary>
/// <param name="Schema">The table's schema, or null.</param>
/// <param name="Table">The table name.</param>
/// <param name="Column">The column name.</param>
/// <param name="Reencrypted">Values moved from an older key to the target key.</param>
/// <param name="EncryptedPlaintext">Legacy plaintext values encrypted (only where plaintext reads are allowed).</param>
/// <param name="ChangedMeanwhile">
/// Values the application changed between read and write: left as the application wrote them (its write wins).
/// </param>
/// <param name="Failed">Values that could not be decrypted or read (logged with their row key); they are left unchanged.</param>
/// <param name="Remaining">Non-null values not on the target key (or newer) after the run, counted afresh.</param>
/// <param name="Total">Non-null values after the run.</param>
public sealed record ColumnReencryptionResult(
    string? Schema,
    string Table,
    string Column,
    long Reencrypted,
    long EncryptedPlaintext,
    long ChangedMeanwhile,
    long Failed,
    long Remaining,
    long Total);
