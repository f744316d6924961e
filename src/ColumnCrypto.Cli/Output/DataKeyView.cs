using ColumnCrypto.Keys;
using Spectre.Console;

namespace ColumnCrypto.Cli.Output;

/// <summary>One data key as status and rotate show it (never key material).</summary>
internal sealed record DataKeyView(
    int Version,
    DateTimeOffset CreatedAt,
    string Age,
    DateTimeOffset RollsOverAt,
    string Status,
    bool Current,
    string WrappingProvider,
    string WrappingKeyId,
    long EncryptionCount)
{
    public static IReadOnlyList<DataKeyView> From(IEnumerable<DataKeyRecord> records, DateTimeOffset now)
    {
        var list = records.OrderBy(r => r.Version).ToList();
        var current = list.Where(r => r.Status == DataKeyStatus.Active).MaxBy(r => r.Version)?.Version;
        return [.. list.Select(r => new DataKeyView(
            r.Version,
            r.CreatedAt,
            Formatting.Age(now - r.CreatedAt),
            r.RollOverAt,
            Enum.IsDefined(r.Status) ? r.Status.ToString().ToLowerInvariant() : $"unknown ({(int)r.Status})",
            r.Version == current,
            r.WrappingProvider,
            r.WrappingKeyId,
            r.EncryptionCount))];
    }

    public static Table Table(IReadOnlyList<DataKeyView> keys)
    {
        // Instances reserve counts in blocks (65,536 by default) before they encrypt, so a fresh key already shows a block.
        var table = new Table().Title("Data keys")
            .AddColumns("Version", "Created", "Age", "Rolls over at", "Status", "Wrapped by", "Wrapping key id", "Encryptions (reserved)")
            .Caption("Encryptions (reserved): counts that instances reserved in blocks, an upper bound of the values encrypted with the key.");
        foreach (var key in keys)
        {
            table.AddRow(
                key.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Formatting.Time(key.CreatedAt),
                key.Age,
                key.Current ? Formatting.Time(key.RollsOverAt) : key.Status == "active" ? "(rolled over)" : "-",
                key.Current ? "active, current" : key.Status,
                Markup.Escape(key.WrappingProvider),
                Markup.Escape(key.WrappingKeyId),
                key.EncryptionCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        return table;
    }
}
