using Microsoft.Extensions.Logging;

namespace ColumnCrypto.EntityFrameworkCore.Hosting;

/// <summary>Log messages of the EF Core hosting glue (event id 2011 is shared with the registry's numbering).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Table {Table} has encrypted columns but no primary key; it cannot be re-encrypted and is not recorded.")]
    public static partial void KeylessTable(ILogger logger, string table);
}
