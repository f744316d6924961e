using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ColumnCrypto.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// Re-encryption and coverage instruments on the <c>ColumnCrypto</c> meter:
/// <list type="bullet">
/// <item><c>columncrypto.reencryption.values</c> (counter; tags table, column, outcome = reencrypted, encrypted_plaintext, changed_meanwhile, failed)</item>
/// <item><c>columncrypto.reencryption.rows</c> (counter; tag table): rows written</item>
/// <item><c>columncrypto.reencryption.remaining</c> (gauge; tags table, column): values not yet on the target key, as of the latest batch</item>
/// <item><c>columncrypto.reencryption.rows_per_second</c> (gauge; tag table)</item>
/// <item><c>columncrypto.keys.coverage.values</c> (gauge; tags table, column, key_version = a number, <c>plaintext</c> or <c>damaged</c>): the latest coverage report</item>
/// </list>
/// One instance per ColumnCrypto meter, shared by every re-encryptor and retirement of that application.
/// </summary>
internal sealed class ReencryptionMetrics
{
    private static readonly ConditionalWeakTable<Meter, ReencryptionMetrics> ByMeter = [];

    private readonly ConcurrentDictionary<(string Table, string Column), long> _remaining = new();
    private readonly ConcurrentDictionary<string, double> _rowsPerSecond = new();
    private volatile IReadOnlyList<ColumnKeyCoverage> _coverage = [];

    private ReencryptionMetrics(Meter meter)
    {
        Values = meter.CreateCounter<long>("columncrypto.reencryption.values", description: "Values handled by re-encryption, by outcome.");
        Rows = meter.CreateCounter<long>("columncrypto.reencryption.rows", description: "Rows written by re-encryption.");
        meter.CreateObservableGauge("columncrypto.reencryption.remaining", ObserveRemaining, description: "Values not yet on the re-encryption's target key.");
        meter.CreateObservableGauge("columncrypto.reencryption.rows_per_second", ObserveRate, description: "Re-encryption throughput of the latest run.");
        meter.CreateObservableGauge("columncrypto.keys.coverage.values", ObserveCoverage, description: "Values per data key version, per encrypted column (latest coverage report).");
    }

    public Counter<long> Values { get; }

    public Counter<long> Rows { get; }

    /// <summary>The instruments of the application's ColumnCrypto meter (or of a private meter without DI metrics).</summary>
    public static ReencryptionMetrics For(IServiceProvider services)
    {
        var meter = services.GetService<ColumnCryptoMetrics>()?.Meter ?? new Meter(ColumnCryptoMetrics.MeterName);
        return ByMeter.GetValue(meter, static m => new ReencryptionMetrics(m));
    }

    public void SetRemaining(string table, string column, long remaining) => _remaining[(table, column)] = remaining;

    public void SetRate(string table, double rowsPerSecond) => _rowsPerSecond[table] = rowsPerSecond;

    public void SetCoverage(IReadOnlyList<ColumnKeyCoverage> coverage) => _coverage = coverage;

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

    private IEnumerable<Measurement<long>> ObserveCoverage()
    {
        foreach (var column in _coverage)
        {
            foreach (var (version, count) in column.ValuesByVersion)
            {
                yield return Measurement(column, version.ToString(System.Globalization.CultureInfo.InvariantCulture), count);
            }

            yield return Measurement(column, "plaintext", column.Plaintext);
            yield return Measurement(column, "damaged", column.Damaged);
        }
    }

    private static Measurement<long> Measurement(ColumnKeyCoverage column, string version, long count) =>
        new(count, new("table", column.Table), new("column", column.Column), new("key_version", version));
}
