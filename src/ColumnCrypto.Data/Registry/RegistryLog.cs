using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.Registry;

/// <summary>Log messages of the encrypted-column registry, with stable event ids (2009-2010, 2020-2022). They name tables and columns only.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Recorded {Count} encrypted columns of {Source} in the encrypted-column registry.")]
    public static partial void RegistrySynced(ILogger logger, int count, string source);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "The encrypted columns of {Source} could not be recorded in the encrypted-column registry; re-encryption, key retirement and the columncrypto tool do not see them until they are (at the next start, or the next background re-encryption run).")]
    public static partial void RegistrySyncFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "The encrypted columns of {Source} are not recorded: the database has no {MissingTables}. {HowToCreate} Until then re-encryption, key retirement and the columncrypto tool do not see these columns; they are recorded at the next start.")]
    public static partial void RegistryTablesMissing(ILogger logger, string source, string missingTables, string howToCreate);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Warning, Message = "The blind index of {Table}.{Column} changed (normalization {OldNormalization} to {NewNormalization}, index column {OldIndexColumn} to {NewIndexColumn}): its stored indexes no longer match, so lookups on it are refused until it is rebuilt with BlindIndexBuilder.RunAsync() (package ColumnCrypto.Data) or 'columncrypto index build'.")]
    public static partial void BlindIndexChanged(ILogger logger, string table, string column, string oldNormalization, string newNormalization, string oldIndexColumn, string newIndexColumn);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning, Message = "{Table}.{Column} is searchable but rows have no blind index yet: lookups on it are refused until BlindIndexBuilder.RunAsync() (package ColumnCrypto.Data) or 'columncrypto index build' has indexed every row.")]
    public static partial void BlindIndexNeedsBuild(ILogger logger, string table, string column);
}
