using System.Globalization;
using System.Text;

namespace ColumnCrypto.Keys.Integrity;

/// <summary>
/// The text form of the ring head's entries, one line per key row, ordered by purpose and version:
/// <c>columncrypto-data-key 2 active &lt;base64 commitment&gt;</c> after a first line <c>columncrypto-key-ring 1</c>.
/// Plain text so that an operator can read it in the table; the ring head's MAC covers it byte for byte.
/// </summary>
internal static class KeyRingManifest
{
    private const string FirstLine = "columncrypto-key-ring 1";

    public static string Format(IEnumerable<KeyRingEntry> entries)
    {
        var text = new StringBuilder(FirstLine);
        foreach (var entry in entries.OrderBy(e => e.Purpose, StringComparer.Ordinal).ThenBy(e => e.Version))
        {
            text.Append('\n').Append(entry.Purpose).Append(' ')
                .Append(entry.Version.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(StatusName(entry.Status)).Append(' ')
                .Append(Convert.ToBase64String(entry.Commitment));
        }

        return text.ToString();
    }

    public static bool TryParse(string manifest, out IReadOnlyList<KeyRingEntry> entries)
    {
        entries = [];
        var lines = manifest.Split('\n');
        if (lines[0] != FirstLine)
        {
            return false;
        }

        var parsed = new List<KeyRingEntry>();
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split(' ');
            if (parts.Length != 4
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                || ParseStatus(parts[2]) is not { } status)
            {
                return false;
            }

            try
            {
                parsed.Add(new KeyRingEntry(parts[0], version, status, Convert.FromBase64String(parts[3])));
            }
            catch (FormatException)
            {
                return false;
            }
        }

        entries = parsed;
        return true;
    }

    public static string StatusName(DataKeyStatus status) => status switch
    {
        DataKeyStatus.Active => "active",
        DataKeyStatus.Retired => "retired",
        DataKeyStatus.Destroyed => "destroyed",
        _ => ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    private static DataKeyStatus? ParseStatus(string name) => name switch
    {
        "active" => DataKeyStatus.Active,
        "retired" => DataKeyStatus.Retired,
        "destroyed" => DataKeyStatus.Destroyed,
        _ => null,
    };
}
