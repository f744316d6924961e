using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Rewrap;

/// <summary>Log messages of the rewrap, with stable event ids. They name versions and wrapping keys, never key material.</summary>
internal static partial class DataKeyRewrapLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Rewrapped data key version {Version} from {FromProvider} key '{FromKeyId}' to {ToProvider} key '{ToKeyId}' (verified by unwrapping).")]
    public static partial void Rewrapped(ILogger logger, int version, string fromProvider, string fromKeyId, string toProvider, string toKeyId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Data key version {Version} changed while it was being rewrapped (no longer wrapped by '{ExpectedKeyId}'); left as it is.")]
    public static partial void ChangedMeanwhile(ILogger logger, int version, string expectedKeyId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "Rewrap to {ToProvider} key '{ToKeyId}' finished: {Rewrapped} rewrapped, {AlreadyOnTarget} already on it, {ChangedMeanwhile} changed meanwhile.")]
    public static partial void Finished(ILogger logger, string toProvider, string toKeyId, int rewrapped, int alreadyOnTarget, int changedMeanwhile);
}
