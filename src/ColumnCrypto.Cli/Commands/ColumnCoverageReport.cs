using System.Globalization;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Cli.Output;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.Keys.Lifecycle;
using Spectre.Console;

namespace ColumnCrypto.Cli.Commands;

/// <summary>
/// Per recorded encrypted column, how many stored values use each key version (counted from the ciphertext headers,
/// nothing is decrypted), with legacy plaintext and damaged values. Used by status, reencrypt and retire.
/// </summary>
internal sealed class ColumnCoverageReport
{
    private ColumnCoverageReport(IReadOnlyList<ColumnCoverageView> columns, string? unavailableReason)
    {
        Columns = columns;
        UnavailableReason = unavailableReason;
    }

    public IReadOnlyList<ColumnCoverageView> Columns { get; }

    /// <summary>Why there is no per-column count (no registry table, or no column recorded yet); null when there is.</summary>
    public string? UnavailableReason { get; }

    public static async Task<ColumnCoverageReport> LoadAsync(CliSession session, CancellationToken cancellationToken)
    {
        var missing = await ColumnCryptoSchema.FindMissingTablesAsync(session.CryptoDatabase, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            return new ColumnCoverageReport([],
                $"table {string.Join(", ", missing)} does not exist: run 'columncrypto init', or apply the application's migrations.");
        }

        var report = await session.Lifecycle.GetCoverageAsync(cancellationToken).ConfigureAwait(false);
        if (report.Columns.Count == 0)
        {
            return new ColumnCoverageReport([],
                "no encrypted column is recorded yet. Applications record theirs when they start (UseDbContextKeyStore<TContext>() or AddReencryption<TContext>()).");
        }

        return new ColumnCoverageReport([.. report.Columns.Select(ColumnCoverageView.From)], null);
    }

    public long ValuesUsing(int version) => Columns.Sum(c => c.ValuesByVersion.GetValueOrDefault(version));

    public long ValuesBelow(int version) => Columns.Sum(c => c.ValuesByVersion.Where(p => p.Key < version).Sum(p => p.Value));

    public void Render(CliOutput output)
    {
        if (UnavailableReason is not null)
        {
            output.Text($"Encrypted columns: {UnavailableReason}");
            return;
        }

        var versions = Columns.SelectMany(c => c.ValuesByVersion.Keys).Distinct().Order().ToList();
        var table = new Table().Title("Encrypted columns: values per key version");
        table.AddColumn("Column");
        table.AddColumn(new TableColumn("Values").RightAligned());
        foreach (var version in versions)
        {
            table.AddColumn(new TableColumn($"v{version}").RightAligned());
        }

        table.AddColumn(new TableColumn("Plaintext").RightAligned());
        table.AddColumn(new TableColumn("Damaged").RightAligned());
        foreach (var column in Columns)
        {
            var cells = new List<string> { Markup.Escape(column.Name), Count(column.Total) };
            cells.AddRange(versions.Select(v => Count(column.ValuesByVersion.GetValueOrDefault(v))));
            cells.Add(Count(column.Plaintext));
            cells.Add(Count(column.Damaged));
            table.AddRow([.. cells]);
        }

        output.Render(table);
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>One encrypted column's values by key version.</summary>
internal sealed record ColumnCoverageView(
    string? Schema,
    string Table,
    string Column,
    long Total,
    IReadOnlyDictionary<int, long> ValuesByVersion,
    long Plaintext,
    long Damaged)
{
    public string Name => string.IsNullOrEmpty(Schema) ? $"{Table}.{Column}" : $"{Schema}.{Table}.{Column}";

    public static ColumnCoverageView From(ColumnKeyCoverage coverage) => new(
        string.IsNullOrEmpty(coverage.Schema) ? null : coverage.Schema,
        coverage.Table,
        coverage.Column,
        coverage.Total,
        coverage.ValuesByVersion.Where(p => p.Value > 0).OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value),
        coverage.Plaintext,
        coverage.Damaged);
}
