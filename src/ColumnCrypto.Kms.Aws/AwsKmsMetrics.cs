using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Instruments under the meter <c>ColumnCrypto.Kms.Aws</c>: every KMS call, by operation (<c>Encrypt</c>,
/// <c>Decrypt</c>) and outcome (<c>success</c>, or the AWS error code, <c>unreachable</c>, <c>timeout</c>,
/// <c>canceled</c>), and its duration in seconds including the SDK's retries. In steady state both stay flat: data keys are
/// unwrapped once per process and then served from memory.
/// </summary>
internal sealed class AwsKmsMetrics : IDisposable
{
    public const string MeterName = "ColumnCrypto.Kms.Aws";
    public const string CallsInstrument = "columncrypto.kms.calls";
    public const string DurationInstrument = "columncrypto.kms.duration";
    public const string Success = "success";
    public const string OperationTag = "columncrypto.kms.operation";
    public const string OutcomeTag = "columncrypto.kms.outcome";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    public AwsKmsMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>(CallsInstrument, unit: "{call}", description: "AWS KMS calls, by operation and outcome.");
        _duration = _meter.CreateHistogram<double>(DurationInstrument, unit: "s", description: "AWS KMS call duration, including SDK retries.");
    }

    public Meter Meter => _meter;

    public void Record(string operation, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { OperationTag, operation }, { OutcomeTag, outcome } };
        _calls.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
