using System.Data.Common;
using System.Globalization;
using System.Text;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// One set-based statement per batch: <c>UPDATE t SET c = CASE WHEN t.c = v.old THEN v.new ELSE t.c END FROM unnest(...)</c>,
/// with arrays of keys, old and new values, returning which values were written.
/// </summary>
internal sealed class PostgreSqlBatchWriter : IBatchWriter
{
    public async Task<bool[][]> WriteAsync(DbConnection connection, DbTransaction transaction, TablePlan plan, IReadOnlyList<RowChange> changes, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, Sql(plan), transaction);
        var count = changes.Count;
        command.Add("@i", Enumerable.Range(0, count).ToArray());
        for (var k = 0; k < plan.QuotedKeys.Count; k++)
        {
            var values = Array.CreateInstance(changes[0].Key[k].GetType(), count);
            for (var r = 0; r < count; r++)
            {
                values.SetValue(changes[r].Key[k], r);
            }

            command.Add(Name("@k", k), values);
        }

        foreach (var column in plan.Columns)
        {
            command.Add(Name("@o", column.Index), Column(changes, c => c.Old[column.Index], column.Storage));
            command.Add(Name("@n", column.Index), Column(changes, c => c.New[column.Index], column.Storage));
        }

        var written = new bool[count][];
        for (var r = 0; r < count; r++)
        {
            written[r] = new bool[plan.Columns.Count];
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = reader.GetInt32(0);
            for (var c = 0; c < plan.Columns.Count; c++)
            {
                written[row][c] = reader.GetBoolean(c + 1);
            }
        }

        return written;
    }

    private static Array Column(IReadOnlyList<RowChange> changes, Func<RowChange, object?> value, EncryptedStorage storage)
    {
        if (storage == EncryptedStorage.Binary)
        {
            return changes.Select(c => (byte[]?)value(c)).ToArray();
        }

        return changes.Select(c => (string?)value(c)).ToArray();
    }

    private static string Sql(TablePlan plan)
    {
        var keys = plan.QuotedKeys;
        var columns = plan.Columns;
        var sql = new StringBuilder("UPDATE ").Append(plan.SqlTable).Append(" AS t SET ");
        sql.AppendJoin(", ", columns.Select(c =>
            $"{c.Quoted} = CASE WHEN v.o{N(c.Index)} IS NOT NULL AND t.{c.Quoted} = v.o{N(c.Index)} THEN v.n{N(c.Index)} ELSE t.{c.Quoted} END"));
        sql.Append(" FROM unnest(@i, ")
            .AppendJoin(", ", keys.Select((_, k) => Name("@k", k)).Concat(columns.SelectMany(c => new[] { Name("@o", c.Index), Name("@n", c.Index) })))
            .Append(") AS v(i, ")
            .AppendJoin(", ", keys.Select((_, k) => Name("k", k)).Concat(columns.SelectMany(c => new[] { Name("o", c.Index), Name("n", c.Index) })))
            .Append(") WHERE ")
            .AppendJoin(" AND ", keys.Select((key, k) => $"t.{key} = v.k{N(k)}"))
            .Append(" AND (")
            .AppendJoin(" OR ", columns.Select(c => $"(v.o{N(c.Index)} IS NOT NULL AND t.{c.Quoted} = v.o{N(c.Index)})"))
            .Append(") RETURNING v.i, ")
            .AppendJoin(", ", columns.Select(c => $"COALESCE(t.{c.Quoted} = v.n{N(c.Index)}, false)"));
        return sql.ToString();
    }

    private static string Name(string prefix, int index) => prefix + N(index);

    private static string N(int index) => index.ToString(CultureInfo.InvariantCulture);
}
