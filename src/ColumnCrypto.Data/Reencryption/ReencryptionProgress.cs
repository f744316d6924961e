namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// The progress of the latest re-encryption of one column, as stored in <c>columncrypto_reencryption_progress</c>
/// (updated after every batch, by every worker and instance).
/// </summary>
/// <param name="Schema">The table's schema, or null.</param>
/// <param name="Table">The table name.</param>
/// <param name="Column">The column name.</param>
/// <param name="TargetVersion">The key version the run moves values to.</param>
/// <param name="Total">Non-null values when the run started (recounted when it finishes).</param>
/// <param name="Done">Values on the target key (or newer).</param>
/// <param name="Failed">Values that could not be re-encrypted.</param>
/// <param name="Status"><c>running</c>, <c>done</c>, <c>incomplete</c> (values remain: failures, or rows left to another worker) or <c>failed</c> (the table could not be read).</param>
/// <param name="RowsPerSecond">The table's throughput in the latest batch's run.</param>
/// <param name="LastKey">The primary key of the latest row written, as text.</param>
/// <param name="Worker">The worker that wrote this row last (<c>host:process:worker</c>).</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="UpdatedAt">When this row was last written.</param>
public sealed record ReencryptionProgress(
    string? Schema,
    string Table,
    string Column,
    int TargetVersion,
    long Total,
    long Done,
    long Failed,
    string Status,
    double RowsPerSecond,
    string? LastKey,
    string? Worker,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Values still to do.</summary>
    public long Remaining => Math.Max(0, Total - Done);

    /// <summary>Done as a percentage of the total (100 for an empty column).</summary>
    public double Percent => Total == 0 ? 100 : Math.Min(100, 100.0 * Done / Total);

    /// <summary>The estimated time left at the recorded rate, or null when nothing is running or no rate is known.</summary>
    public TimeSpan? Eta => Status == "running" && RowsPerSecond > 0 ? TimeSpan.FromSeconds(Remaining / RowsPerSecond) : null;
}
