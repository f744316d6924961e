using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ColumnCrypto.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// Re-encryption and coverage instruments on the <c>ColumnCrypto</c> meter:
/// <list type="bullet">
/// <item><c>columncrypto.reencryption.values</c> (counter; tags table, column, outcome = reencrypted, encrypted_plaintext, changed_meanwhile, failed)</item>
/// <item><c>columncrypto.reencryption.rows</c> (counter; tag table): rows written</item>
/// <item><c>columncrypto.reencryption.remaining</c> (gauge; tags table, column): values not yet on the target key, as of the latest batch</item>
/// <item><c>columncrypto.reencryption.rows_per_second</c> (gauge; tag table)</item>
/// </list>
/// One instance per ColumnCrypto meter, shared by every re-encryptor of that application.
/// </summary>
internal sealed class ReencryptionMetrics
{
    private static readonly ConditionalWeakTable<Meter, ReencryptionMetrics> ByMeter = [];

    private readonly ConcurrentDictionary<(string Table, string Column), long> _remaining = new();
    private readonly ConcurrentDictionary<string, double> _rowsPerSecond = new();

    private ReencryptionMetrics(Meter meter)
    {
        Values = meter.CreateCounter<long>("columncrypto.reencryption.values", description: "Values handled by re-encryption, by outcome.");
        Rows = meter.CreateCounter<long>("columncrypto.reencryption.rows", description: "Rows written by re-encryption.");
        meter.CreateObservableGauge("columncrypto.reencryption.remaining", ObserveRemaining, description: "Values not yet on the re-encryption's target key.");
        meter.CreateObservableGauge("columncrypto.reencryption.rows_per_second", ObserveRate, description: "Re-encryption throughput of the latest run.");
    }

    public Counter<long> Values { get; }

    public Counter<long> Rows { get; }

    /// <summary>The instruments of the application's ColumnCrypto meter (or of a private meter without DI metrics).</summary>
    public static ReencryptionMetrics For(IServiceProvider services)
    {
        // The meter factory hands out one meter per name, so these instruments join the core's on the ColumnCrypto meter.
        var meter = services.GetService<IMeterFactory>()?.Create(ColumnCryptoTelemetry.MeterName) ?? new Meter(ColumnCryptoTelemetry.MeterName);
        return ByMeter.GetValue(meter, static m => new ReencryptionMetrics(m));
    }

    public void SetRemaining(string table, string column, long remaining) => _remaining[(table, column)] = remaining;

    public void SetRate(string table, double rowsPerSecond) => _rowsPerSecond[table] = rowsPerSecond;

    public void Count(string table, string column, string outcome, long count)
    {
        if (count > 0)
        {
            Values.Add(count, new("table", table), new("column", column), new("outcome", outcome));
        }
    }

    private IEnumerable<Measurement<long>> ObserveRemaining() =>
        _remaining.Select(p => new Measurement<long>(p.Value, new("table", p.Key.Table), new("column", p.Key.Column)));

    private IEnumerable<Measurement<double>> ObserveRate() =>
        _rowsPerSecond.Select(p => new Measurement<double>(p.Value, new KeyValuePair<string, object?>("table", p.Key)));
}
