using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Cryptography;

/// <summary>The cipher backend's log messages, with stable event ids (12xx).</summary>
internal static partial class CipherLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Cipher backend: {Backend} ({Implementation}). {Reason}.")]
    public static partial void BackendChosen(ILogger logger, string backend, string implementation, string reason);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "The {Backend} cipher backend failed its known-answer self-test ({Failure}); values are sealed and opened by the platform backend instead.")]
    public static partial void SelfTestFailedFallingBack(ILogger logger, string backend, string failure);
}
