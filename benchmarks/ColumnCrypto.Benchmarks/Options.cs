using System.Globalization;

namespace ColumnCrypto.Benchmarks;

/// <summary>Command-line options shared by the benchmarks: <c>--output FILE</c>, <c>--note TEXT</c>, <c>--runs N</c>, <c>--rows N</c>, <c>--lookups N</c>, <c>--quick</c>.</summary>
public sealed class Options
{
    public string? Output { get; private set; }

    public string? Note { get; private set; }

    public int Runs { get; private set; } = 11;

    public int WarmupRuns { get; private set; } = 2;

    public int Rows { get; private set; } = 20_000;

    /// <summary>Lookups per run (the search benchmark).</summary>
    public int Lookups { get; private set; } = 2_000;

    public bool Quick { get; private set; }

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            switch (e.Current)
            {
                case "--output": options.Output = Next(e); break;
                case "--note": options.Note = Next(e); break;
                case "--runs": options.Runs = int.Parse(Next(e), CultureInfo.InvariantCulture); break;
                case "--warmup": options.WarmupRuns = int.Parse(Next(e), CultureInfo.InvariantCulture); break;
                case "--rows": options.Rows = int.Parse(Next(e), CultureInfo.InvariantCulture); break;
                case "--lookups": options.Lookups = int.Parse(Next(e), CultureInfo.InvariantCulture); break;
                case "--quick": options.Quick = true; break;
                default: throw new ArgumentException($"Unknown option '{e.Current}'.");
            }
        }

        return options;
    }

    private static string Next(IEnumerator<string> e) =>
        e.MoveNext() ? e.Current : throw new ArgumentException("An option is missing its value.");
}
