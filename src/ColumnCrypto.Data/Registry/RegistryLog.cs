using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.Registry;

/// <summary>Log messages of the encrypted-column registry, with stable event ids (2009-2010). They name tables and columns only.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Recorded {Count} encrypted columns of {Source} in the encrypted-column registry.")]
    public static partial void RegistrySynced(ILogger logger, int count, string source);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "The encrypted columns of {Source} could not be recorded in the registry (does the table columncrypto_encrypted_columns exist? Apply the migrations, or create ColumnCrypto's tables with 'columncrypto init' or ColumnCryptoSchema.CreateMissingTablesAsync). Operator tools will not see them until they are.")]
    public static partial void RegistrySyncFailed(ILogger logger, Exception exception, string source);
}
