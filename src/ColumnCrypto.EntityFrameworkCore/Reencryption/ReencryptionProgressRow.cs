using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// A row of <c>columncrypto_reencryption_progress</c>, mapped in the application's model only so that migrations create
/// the table; the re-encryption writes it with its own SQL after every batch.
/// </summary>
[PrimaryKey(nameof(TableSchema), nameof(TableName), nameof(ColumnName))]
internal sealed class ReencryptionProgressRow
{
    public string TableSchema { get; set; } = string.Empty;

    public string TableName { get; set; } = string.Empty;

    public string ColumnName { get; set; } = string.Empty;

    public int TargetVersion { get; set; }

    public long TotalValues { get; set; }

    public long DoneValues { get; set; }

    public long FailedValues { get; set; }

    public string Status { get; set; } = string.Empty;

    public double RowsPerSecond { get; set; }

    public string? LastKey { get; set; }

    public string? Worker { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
