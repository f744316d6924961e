using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ColumnCrypto.Data.Sql;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// One set-based, prepared statement per batch: <c>UPDATE t SET c = COALESCE(v.new, t.c) FROM unnest(keys, new values)</c>,
/// with <c>c_bidx = COALESCE(v.index, t.c_bidx)</c> for searchable columns (an index is given only with encrypted plaintext).
/// The condition that each value is still the one that was read is the row lock: the batch read its rows with
/// <c>FOR NO KEY UPDATE</c> in the same transaction, so no other transaction can have changed (or deleted) them; an application
/// write waits for the commit and then applies on top, so it wins. Comparing the old values again would only cost time.
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
            command.Add(Name("@k", k), KeyArray(changes, k));
        }

        foreach (var column in plan.Columns)
        {
            command.Add(Name("@n", column.Index), column.Storage == EncryptedStorage.Binary
                ? changes.Select(c => (byte[]?)c.New[column.Index]).ToArray()
                : changes.Select(c => (string?)c.New[column.Index]).ToArray());
            if (column.QuotedIndex is not null)
            {
                command.Add(Name("@x", column.Index), changes.Select(c => c.Indexes[column.Index]).ToArray());
            }
        }

        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var updated = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (updated != count)
        {
            // Impossible while the batch's row locks hold; never commit a batch whose outcome is unknown.
            throw new InvalidOperationException($"Re-encrypting {plan.Name} updated {updated} rows of a batch of {count} locked rows; the batch is rolled back.");
        }

        return [.. changes.Select(c => c.New.Select(n => n is not null).ToArray())];
    }

    // Npgsql infers the unnest array's type from the CLR array type, so the keys go in a typed array: built statically
    // for the usual key types (native AOT cannot create an array type at run time), by reflection for any other.
    private static Array KeyArray(IReadOnlyList<RowChange> changes, int k) => changes[0].Key[k] switch
    {
        int => Typed<int>(changes, k),
        long => Typed<long>(changes, k),
        short => Typed<short>(changes, k),
        Guid => Typed<Guid>(changes, k),
        string => Typed<string>(changes, k),
        var other when RuntimeFeature.IsDynamicCodeSupported => Reflected(other.GetType(), changes, k),
        var other => throw new NotSupportedException(
            $"Re-encrypting under native AOT supports keys of type int, long, short, Guid and string, not {other.GetType().Name}."),
    };

    private static T[] Typed<T>(IReadOnlyList<RowChange> changes, int k) => [.. changes.Select(c => (T)c.Key[k])];

    [RequiresDynamicCode("Creates an array of the key's type.")]
    private static Array Reflected(Type type, IReadOnlyList<RowChange> changes, int k)
    {
        var values = Array.CreateInstance(type, changes.Count);
        for (var r = 0; r < changes.Count; r++)
        {
            values.SetValue(changes[r].Key[k], r);
        }

        return values;
    }

    private static string Sql(TablePlan plan)
    {
        var keys = plan.QuotedKeys;
        var columns = plan.Columns;
        var indexed = columns.Where(c => c.QuotedIndex is not null).ToList();
        return new StringBuilder("UPDATE ").Append(plan.SqlTable).Append(" AS t SET ")
            .AppendJoin(", ", columns.Select(c => $"{c.Quoted} = COALESCE(v.n{N(c.Index)}, t.{c.Quoted})")
                .Concat(indexed.Select(c => $"{c.QuotedIndex} = COALESCE(v.x{N(c.Index)}, t.{c.QuotedIndex})")))
            .Append(" FROM unnest(@i, ")
            .AppendJoin(", ", keys.Select((_, k) => Name("@k", k)).Concat(columns.Select(c => Name("@n", c.Index))).Concat(indexed.Select(c => Name("@x", c.Index))))
            .Append(") AS v(i, ")
            .AppendJoin(", ", keys.Select((_, k) => Name("k", k)).Concat(columns.Select(c => Name("n", c.Index))).Concat(indexed.Select(c => Name("x", c.Index))))
            .Append(") WHERE ")
            .AppendJoin(" AND ", keys.Select((key, k) => $"t.{key} = v.k{N(k)}"))
            .ToString();
    }

    private static string Name(string prefix, int index) => prefix + N(index);

    private static string N(int index) => index.ToString(CultureInfo.InvariantCulture);
}
