using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace ColumnCrypto.Testing;

/// <summary>One row of docs/observability.md's instrument table.</summary>
public sealed record DocumentedInstrument(string Name, string Meter, string Type, string Unit, IReadOnlyList<string> Tags)
{
    /// <summary>How the table names <paramref name="instrument"/>'s type: counter, histogram or gauge.</summary>
    public static string TypeOf(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition().Name switch
    {
        "Counter`1" => "counter",
        "Histogram`1" => "histogram",
        "ObservableGauge`1" => "gauge",
        var other => other,
    };

    public override string ToString() => $"{Name} ({Meter}, {Type}, {Unit}, tags: {string.Join(", ", Tags)})";
}

/// <summary>The tables of docs/observability.md, which tests hold against the instruments and spans the library creates.</summary>
public static class ObservabilityDocument
{
    public const string File = "docs/observability.md";

    /// <summary>The instrument table: instrument, meter, type, unit, tags, meaning.</summary>
    public static IReadOnlyList<DocumentedInstrument> Instruments() =>
        [.. Rows("| instrument |").Select(cells => new DocumentedInstrument(
            Code(cells[0]).Single(), Code(cells[1]).Single(), cells[2], Code(cells[3]).Single(), Code(cells[4])))];

    /// <summary>The span names of the span table.</summary>
    public static IReadOnlyList<string> Spans() => [.. Rows("| span |").Select(cells => Code(cells[0]).Single())];

    private static IEnumerable<string[]> Rows(string header)
    {
        var lines = System.IO.File.ReadAllLines(Repository.Path(File));
        var start = Array.FindIndex(lines, l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.True(start >= 0, $"{File} has no table starting with '{header}'");
        return lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray());
    }

    private static List<string> Code(string cell) => [.. Regex.Matches(cell, "`([^`]+)`").Select(m => m.Groups[1].Value)];
}
