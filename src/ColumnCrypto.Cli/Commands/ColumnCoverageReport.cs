using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Cli.Output;

namespace ColumnCrypto.Cli.Commands;

/// <summary>Per encrypted column, how many stored values use each key version (from the encrypted-columns registry).</summary>
internal sealed class ColumnCoverageReport
{
    private ColumnCoverageReport(bool available, IReadOnlyList<ColumnCoverageView>? columns)
    {
        Available = available;
        Columns = columns;
    }

    public bool Available { get; }

    public IReadOnlyList<ColumnCoverageView>? Columns { get; }

    public static Task<ColumnCoverageReport> TryLoadAsync(CliSession session, CancellationToken cancellationToken)
    {
        _ = session;
        _ = cancellationToken;
        return Task.FromResult(new ColumnCoverageReport(false, null));
    }

    public void Render(CliOutput output)
    {
        if (!Available)
        {
            output.Text("Encrypted columns: not available in this build (it needs the encrypted-columns registry).");
        }
    }
}

/// <summary>One encrypted column's values by key version.</summary>
internal sealed record ColumnCoverageView(string Table, string Column, long Rows, IReadOnlyDictionary<int, long> RowsByVersion);
