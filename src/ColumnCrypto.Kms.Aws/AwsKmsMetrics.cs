using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Instruments under the meter <c>ColumnCrypto.Kms.Aws</c>: every KMS call, by operation (<c>Encrypt</c>,
/// <c>Decrypt</c>) and outcome (<c>success</c>, or the AWS error code, <c>unreachable</c>, <c>timeout</c>,
/// <c>canceled</c>), and its latency including the SDK's retries. In steady state both stay flat: data keys are
/// unwrapped once per process and then served from memory.
/// </summary>
internal sealed class AwsKmsMetrics : IDisposable
{
    public const string MeterName = "ColumnCrypto.Kms.Aws";
    public const string CallsInstrument = "columncrypto.kms.calls";
    public const string DurationInstrument = "columncrypto.kms.duration";
    public const string Success = "success";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    public AwsKmsMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>(CallsInstrument, unit: "{call}", description: "AWS KMS calls, by operation and outcome.");
        _duration = _meter.CreateHistogram<double>(DurationInstrument, unit: "ms", description: "AWS KMS call latency, including SDK retries.");
    }

    public Meter Meter => _meter;

    public void Record(string operation, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
        _calls.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
