using ColumnCrypto.Data.Sql;
using ColumnCrypto.Data.Registry;
namespace ColumnCrypto.Data.Reencryption;

/// <summary>Groups the registry's columns into one <see cref="TablePlan"/> per table.</summary>
internal static class TablePlans
{
    public static IReadOnlyList<TablePlan> Create(IEnumerable<EncryptedColumnRegistration> columns, SqlDialect dialect) =>
        [.. columns
            .GroupBy(c => (Schema: c.Schema ?? string.Empty, c.Table))
            .OrderBy(g => g.Key.Schema, StringComparer.Ordinal).ThenBy(g => g.Key.Table, StringComparer.Ordinal)
            .Select(g => new TablePlan([.. g.OrderBy(c => c.Column, StringComparer.Ordinal)], dialect))];
}
