using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Diagnostics;

/// <summary>Log messages with stable event ids. None of them carries key material or secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Read the data key table: {ActiveCount} active key(s), newest version {NewestVersion}; {UnwrappedCount} unwrapped by this read, the others already held in memory.")]
    public static partial void KeyRingLoaded(ILogger logger, int activeCount, int newestVersion, int unwrappedCount);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Created data key version {Version}, wrapped by {Provider} key '{KeyId}'. Reason: {Reason}.")]
    public static partial void DataKeyCreated(ILogger logger, int version, string provider, string keyId, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Another instance created data key version {Version} first; using it.")]
    public static partial void RolloverLostRace(ILogger logger, int version);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "A value names unknown key version {Version}; reloading the data key table once.")]
    public static partial void UnknownVersionRefresh(ILogger logger, int version);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Data keys could not be loaded; no key will be created until they can.")]
    public static partial void KeyLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "The data key rollover check failed; it is retried in {RetryIn}.")]
    public static partial void RolloverCheckFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Reserving encryptions under key version {Version} failed; once this process has used what it reserved under the key, writes fail until a reservation succeeds.")]
    public static partial void ReservationFailed(ILogger logger, Exception exception, int version);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Key version {Version} has {Reserved} encryptions reserved, at or above the bound {Bound}; rolling over.")]
    public static partial void EncryptionBoundReached(ILogger logger, int version, long reserved, long bound);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "A rollover of data key version {Version} is due ({Reason}), but automatic key creation is off (schedule.autoGenerateKeys: false): an operator must create the next key.")]
    public static partial void RolloverDueButAutoGenerationOff(ILogger logger, int version, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "The key table failed its integrity check; {Kept}.")]
    public static partial void KeyRingIntegrityFailed(ILogger logger, Exception exception, string kept);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Rolling over data key version {Version}, which reached its encryption bound, failed; the next write that needs a key tries again.")]
    public static partial void BoundRolloverFailed(ILogger logger, Exception exception, int version);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "The encryption count of data key version {Version} was lowered outside ColumnCrypto; this process encrypts nothing more with that key.")]
    public static partial void EncryptionCountLowered(ILogger logger, Exception? exception, int version);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "The key table {KeyTable} had no ring head (it was written by an earlier ColumnCrypto): its {Rows} key rows are now recorded in an authenticated ring head, and rows deleted, added or re-statused outside ColumnCrypto are refused from now on.")]
    public static partial void KeyTableSealed(ILogger logger, string keyTable, int rows);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Started a new key ring in the key table {KeyTable} at version {Version}, on an operator's confirmed request: values under the versions of the lost key ring stay unreadable.")]
    public static partial void NewKeyRingStarted(ILogger logger, string keyTable, int version);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Debug, Message = "Reading the data key table was cancelled; nothing was published or created.")]
    public static partial void KeyLoadCancelled(ILogger logger);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Information, Message = "The host is stopping while starting: the data keys were not loaded at start-up, and no key was created. They are loaded on first use or at the next start.")]
    public static partial void StartupCancelled(ILogger logger);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Information, Message = "Read the blind-index keys: active version(s) {Versions}, new indexes use version {WriteVersion}; {UnwrappedCount} unwrapped by this read.")]
    public static partial void BlindIndexKeysLoaded(ILogger logger, IReadOnlyList<int> versions, int writeVersion, int unwrappedCount);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Information, Message = "Created blind-index key version {Version}, wrapped by {Provider} key '{KeyId}'. Reason: {Reason}.")]
    public static partial void BlindIndexKeyCreated(ILogger logger, int version, string provider, string keyId, string reason);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Information, Message = "Blind-index key version {Version} is now {Status}.")]
    public static partial void BlindIndexKeyStatusChanged(ILogger logger, int version, Keys.DataKeyStatus status);
}
