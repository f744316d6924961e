using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.BlindIndexes;

/// <summary>Log messages of the blind-index build, with stable event ids 2023-2027. They name tables, columns, key versions and row keys, never values or keys.</summary>
internal static partial class BlindIndexLog
{
    [LoggerMessage(EventId = 2023, Level = LogLevel.Information, Message = "Blind-index build started: index key version {TargetVersion}, {TableCount} tables with searchable columns.")]
    public static partial void RunStarted(ILogger logger, int targetVersion, int tableCount);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Information, Message = "Indexed {Table}.{Column}: {Indexed} rows indexed, {Changed} changed meanwhile, {Failed} failed, {Duplicates} duplicates; {Remaining} of {Total} remain.")]
    public static partial void ColumnFinished(ILogger logger, string table, string column, long indexed, long changed, long failed, long duplicates, long remaining, long total);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Warning, Message = "Cannot index the value of {Table}.{Column} in the row with key {RowKey}: {Reason}")]
    public static partial void ValueFailed(ILogger logger, string table, string column, string rowKey, string reason);

    [LoggerMessage(EventId = 2026, Level = LogLevel.Warning, Message = "Duplicate in the unique index on {Table}.{Column}: the row with key {RowKey} holds the same value as the row with key {Other}, under another index key; it keeps its old index until one of them changes.")]
    public static partial void Duplicate(ILogger logger, string table, string column, string rowKey, string other);

    [LoggerMessage(EventId = 2027, Level = LogLevel.Information, Message = "The blind index of {Table}.{Column} is complete: lookups on it are allowed.")]
    public static partial void Ready(ILogger logger, string table, string column);
}
