using Microsoft.Extensions.Logging;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// Log messages of re-encryption, coverage, retirement and the column registry, with stable event ids 2001-2099.
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

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Recorded {Count} encrypted columns of {Context} in the encrypted-column registry.")]
    public static partial void RegistrySynced(ILogger logger, int count, string context);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "The encrypted columns of {Context} could not be recorded in the registry (has the migration that creates columncrypto_encrypted_columns been applied?). Operator tools will not see them until they are.")]
    public static partial void RegistrySyncFailed(ILogger logger, Exception exception, string context);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Table {Table} has encrypted columns but no primary key; it cannot be re-encrypted and is not recorded.")]
    public static partial void KeylessTable(ILogger logger, string table);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Retired data key version {Version}: no recorded column uses it; it is no longer loaded or unwrapped.")]
    public static partial void KeyRetired(ILogger logger, int version);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Refused to {Action} data key version {Version}: {Reason}")]
    public static partial void RetireRefused(ILogger logger, string action, int version, string reason);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Reactivated retired data key version {Version}.")]
    public static partial void KeyReactivated(ILogger logger, int version);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Destroyed data key version {Version} (crypto-shredding): its wrapped key was wiped; values under it can never be decrypted from this key table.")]
    public static partial void KeyDestroyed(ILogger logger, int version);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "The background re-encryption run failed; the next run starts in {RetryIn}.")]
    public static partial void BackgroundRunFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Information, Message = "SQLite re-encrypts with one worker ({Configured} configured).")]
    public static partial void SingleWorker(ILogger logger, int configured);
}
