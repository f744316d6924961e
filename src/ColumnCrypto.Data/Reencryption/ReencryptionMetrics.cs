using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ColumnCrypto.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// Re-encryption instruments on the <c>ColumnCrypto</c> meter (listed with their tags in docs/observability.md):
/// values by outcome, rows written, values remaining, and the duration of each batch (the rate is rows over duration).
/// One instance per ColumnCrypto meter, shared by every re-encryptor of that application.
/// </summary>
internal sealed class ReencryptionMetrics
{
    public const string OutcomeTag = "columncrypto.reencryption.outcome";

    private static readonly ConditionalWeakTable<Meter, ReencryptionMetrics> ByMeter = [];

    private readonly ConcurrentDictionary<(string Table, string Column), long> _remaining = new();
    private readonly Counter<long> _values;
    private readonly Counter<long> _rows;
    private readonly Histogram<double> _batchDuration;

    private ReencryptionMetrics(Meter meter)
    {
        _values = meter.CreateCounter<long>("columncrypto.reencryption.values", "{value}", "Values handled by re-encryption, by outcome.");
        _rows = meter.CreateCounter<long>("columncrypto.reencryption.rows", "{row}", "Rows written by re-encryption.");
        _batchDuration = meter.CreateHistogram<double>("columncrypto.reencryption.batch.duration", "s",
            "Time of one re-encryption batch: read, re-encrypt, write and commit.");
        meter.CreateObservableGauge("columncrypto.reencryption.remaining", ObserveRemaining, "{value}", "Values not yet on the re-encryption's target key.");
    }

    /// <summary>The instruments of the application's ColumnCrypto meter (or of a private meter without DI metrics).</summary>
    public static ReencryptionMetrics For(IServiceProvider services)
    {
        // The meter factory hands out one meter per name, so these instruments join the core's on the ColumnCrypto meter.
        var meter = services.GetService<IMeterFactory>()?.Create(ColumnCryptoTelemetry.MeterName) ?? new Meter(ColumnCryptoTelemetry.MeterName);
        return ByMeter.GetValue(meter, static m => new ReencryptionMetrics(m));
    }

    public void SetRemaining(string table, string column, long remaining) => _remaining[(table, column)] = remaining;

    public void Count(string table, string column, string outcome, long count)
    {
        if (count > 0)
        {
            _values.Add(count, new(ColumnCryptoTelemetry.TableTag, table), new(ColumnCryptoTelemetry.ColumnTag, column), new(OutcomeTag, outcome));
        }
    }

    public void RowsWritten(string table, long rows) => _rows.Add(rows, new KeyValuePair<string, object?>(ColumnCryptoTelemetry.TableTag, table));

    public void BatchFinished(string table, TimeSpan elapsed) =>
        _batchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(ColumnCryptoTelemetry.TableTag, table));

    private IEnumerable<Measurement<long>> ObserveRemaining() =>
        _remaining.Select(p => new Measurement<long>(p.Value, new(ColumnCryptoTelemetry.TableTag, p.Key.Table), new(ColumnCryptoTelemetry.ColumnTag, p.Key.Column)));
}
