using System.Diagnostics.Metrics;
using System.Globalization;
using ColumnCrypto.Keys.Lifecycle;

namespace ColumnCrypto.Diagnostics;

/// <summary>
/// The core's instruments on the meter <c>ColumnCrypto</c>, named and measured after the OpenTelemetry semantic
/// conventions (every instrument of the meter, with unit and tags, is listed in docs/observability.md; a test holds the
/// list and the instruments together). Adding to a counter nobody listens to costs a flag check, so the counters stay
/// on the hot path.
/// </summary>
internal sealed class ColumnCryptoMetrics : IDisposable
{
    public const string MeterName = ColumnCryptoTelemetry.MeterName;

    private readonly Meter _meter;
    private volatile IReadOnlyList<ColumnKeyCoverage> _coverage = [];

    public ColumnCryptoMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        ValuesEncrypted = _meter.CreateCounter<long>("columncrypto.values.encrypted", "{value}", "Values encrypted.");
        ValuesDecrypted = _meter.CreateCounter<long>("columncrypto.values.decrypted", "{value}", "Values decrypted.");
        DecryptionFailures = _meter.CreateCounter<long>("columncrypto.decryption.failures", "{value}", "Values that failed to decrypt.");
        KeysUnwrapped = _meter.CreateCounter<long>("columncrypto.keys.unwrapped", "{key}", "Data keys unwrapped (at most once per version per process).");
        KeysCreated = _meter.CreateCounter<long>("columncrypto.keys.created", "{key}", "Data keys created by this process.");
        KeyRingLoads = _meter.CreateCounter<long>("columncrypto.keyring.loads", "{load}", "Reads of the data key table.");
        _meter.CreateObservableGauge("columncrypto.keys.coverage.values", ObserveCoverage, "{value}",
            "Values per data key version, per encrypted column (latest coverage report).");
    }

    public Meter Meter => _meter;

    public Counter<long> ValuesEncrypted { get; }

    public Counter<long> ValuesDecrypted { get; }

    public Counter<long> DecryptionFailures { get; }

    public Counter<long> KeysUnwrapped { get; }

    public Counter<long> KeysCreated { get; }

    public Counter<long> KeyRingLoads { get; }

    /// <summary>Publishes the latest coverage report (values per key version and column).</summary>
    public void SetCoverage(IReadOnlyList<ColumnKeyCoverage> coverage) => _coverage = coverage;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveCoverage()
    {
        foreach (var column in _coverage)
        {
            foreach (var (version, count) in column.ValuesByVersion)
            {
                yield return Coverage(column, version.ToString(CultureInfo.InvariantCulture), count);
            }

            yield return Coverage(column, "plaintext", column.Plaintext);
            yield return Coverage(column, "damaged", column.Damaged);
        }
    }

    private static Measurement<long> Coverage(ColumnKeyCoverage column, string version, long count) =>
        new(count, new(ColumnCryptoTelemetry.TableTag, column.Table), new(ColumnCryptoTelemetry.ColumnTag, column.Column), new(ColumnCryptoTelemetry.KeyVersionTag, version));
}
