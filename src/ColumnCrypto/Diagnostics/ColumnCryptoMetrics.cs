using System.Diagnostics.Metrics;

namespace ColumnCrypto.Diagnostics;

/// <summary>
/// Counters under the meter <c>ColumnCrypto</c>. Adding to a counter nobody listens to costs a flag check, so the
/// counters stay on the hot path.
/// </summary>
internal sealed class ColumnCryptoMetrics : IDisposable
{
    public const string MeterName = "ColumnCrypto";

    private readonly Meter _meter;

    public ColumnCryptoMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        ValuesEncrypted = _meter.CreateCounter<long>("columncrypto.values.encrypted", description: "Values encrypted.");
        ValuesDecrypted = _meter.CreateCounter<long>("columncrypto.values.decrypted", description: "Values decrypted.");
        DecryptionFailures = _meter.CreateCounter<long>("columncrypto.decryption.failures", description: "Values that failed to decrypt.");
        KeysUnwrapped = _meter.CreateCounter<long>("columncrypto.keys.unwrapped", description: "Data keys unwrapped (at most once per version per process).");
        KeysCreated = _meter.CreateCounter<long>("columncrypto.keys.created", description: "Data keys created by this process.");
        KeyRingLoads = _meter.CreateCounter<long>("columncrypto.keyring.loads", description: "Reads of the data key table.");
    }

    public Meter Meter => _meter;

    public Counter<long> ValuesEncrypted { get; }

    public Counter<long> ValuesDecrypted { get; }

    public Counter<long> DecryptionFailures { get; }

    public Counter<long> KeysUnwrapped { get; }

    public Counter<long> KeysCreated { get; }

    public Counter<long> KeyRingLoads { get; }

    public void Dispose() => _meter.Dispose();
}
