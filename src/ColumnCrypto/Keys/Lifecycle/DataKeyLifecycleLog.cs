using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// Log messages of the operator-driven key lifecycle (rewrap, retire, reactivate, destroy), with stable event ids.
/// They name versions and wrapping keys, never key material.
/// </summary>
internal static partial class DataKeyLifecycleLog
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

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Retired data key version {Version}: no recorded column uses it; it is no longer loaded or unwrapped.")]
    public static partial void KeyRetired(ILogger logger, int version);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Refused to {Action} data key version {Version}: {Reason}")]
    public static partial void Refused(ILogger logger, string action, int version, string reason);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Reactivated retired data key version {Version}.")]
    public static partial void KeyReactivated(ILogger logger, int version);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Destroyed data key version {Version} (crypto-shredding): its wrapped key was wiped; values under it can never be decrypted from this key table.")]
    public static partial void KeyDestroyed(ILogger logger, int version);
}
