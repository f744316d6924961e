using System.Diagnostics;
using ColumnCrypto.Diagnostics;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// Re-encryption's spans, on ColumnCrypto's activity source (<see cref="ColumnCryptoTelemetry.ActivitySourceName"/>):
/// one <c>columncrypto.reencryption.batch</c> per batch, tagged with its table, columns, target key version and rows.
/// </summary>
internal static class ReencryptionActivitySource
{
    public const string Batch = "columncrypto.reencryption.batch";
    public const string ColumnsTag = "columncrypto.column.names";
    public const string RowsReadTag = "columncrypto.reencryption.rows_read";
    public const string RowsWrittenTag = "columncrypto.reencryption.rows_written";

    private static readonly ActivitySource Source = new(ColumnCryptoTelemetry.ActivitySourceName);

    public static Activity? StartBatch(TablePlan plan, int targetVersion, string worker) =>
        Source.StartActivity(Batch)?
            .SetTag(ColumnCryptoTelemetry.TableTag, plan.Name)
            .SetTag(ColumnsTag, plan.Columns.Select(c => c.Name).ToArray())
            .SetTag(ColumnCryptoTelemetry.KeyVersionTag, targetVersion)
            .SetTag("columncrypto.reencryption.worker", worker);
}
