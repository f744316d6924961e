using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// Log messages of re-encryption, with stable event ids 2001-2099 (2009-2015 are the registry's and the key lifecycle's).
/// They name tables, columns, key versions and primary keys, never values or key material.
/// </summary>
internal static partial class ReencryptionLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Re-encryption run started: target key version {TargetVersion}, {TableCount} tables with encrypted columns.")]
    public static partial void RunStarted(ILogger logger, int targetVersion, int tableCount);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Re-encrypting {Table} ({Columns}): {Remaining} of {Total} values not on key version {TargetVersion}; {Workers} worker(s).")]
    public static partial void TableStarted(ILogger logger, string table, string columns, long remaining, long total, int targetVersion, int workers);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Re-encrypting {Table}: {Done}/{Total} values on key version {TargetVersion} ({Percent:F1}%), {RowsPerSecond:F0} rows/s, ETA {Eta}.")]
    public static partial void Progress(ILogger logger, string table, long done, long total, int targetVersion, double percent, double rowsPerSecond, string eta);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Re-encrypted {Table}: {Reencrypted} values moved to the newest key, {Encrypted} plaintext values encrypted, {Changed} changed meanwhile (left to the application), {Failed} failed; {Remaining} remain. {Rows} rows in {Elapsed}, {RowsPerSecond:F0} rows/s.")]
    public static partial void TableFinished(ILogger logger, string table, long reencrypted, long encrypted, long changed, long failed, long remaining, long rows, TimeSpan elapsed, double rowsPerSecond);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Re-encryption run finished in {Elapsed}: {Rows} rows written, target key version {TargetVersion}, {Remaining} values remain.")]
    public static partial void RunFinished(ILogger logger, TimeSpan elapsed, long rows, int targetVersion, long remaining);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Cannot re-encrypt the value of {Table}.{Column} in the row with key {RowKey}: {Reason}")]
    public static partial void ValueFailed(ILogger logger, string table, string column, string rowKey, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "More values of {Table}.{Column} cannot be re-encrypted; further failures in this run are counted but not logged.")]
    public static partial void FailuresTruncated(ILogger logger, string table, string column);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "Skipping table {Table}: it cannot be read as the encrypted-column registry describes it. Fix the table or the registry row (EncryptedColumnRegistry.RemoveAsync).")]
    public static partial void TableSkipped(ILogger logger, Exception exception, string table);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "The background re-encryption run failed; the next run starts in {RetryIn}.")]
    public static partial void BackgroundRunFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Information, Message = "SQLite re-encrypts with one worker ({Configured} configured).")]
    public static partial void SingleWorker(ILogger logger, int configured);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Information, Message = "Re-encryption of {Table} stopped (cancelled) at {Done}/{Total} values on key version {TargetVersion}: {Rows} rows written by this run, last committed row: {LastRow} ({Workers} worker(s)). The batch in progress was rolled back; the next run continues with the rows not done.")]
    public static partial void TableStopped(ILogger logger, string table, long done, long total, int targetVersion, long rows, string lastRow, int workers);

    [LoggerMessage(EventId = 2019, Level = LogLevel.Information, Message = "Background re-encryption stopped: the host is stopping.")]
    public static partial void BackgroundStopped(ILogger logger);
}
