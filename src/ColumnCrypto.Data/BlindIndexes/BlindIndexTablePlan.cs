using System.Data.Common;
using System.Globalization;
using System.Text;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Search;

namespace ColumnCrypto.Data.BlindIndexes;

/// <summary>One searchable column of a <see cref="BlindIndexTablePlan"/>: its value and index columns as SQL.</summary>
internal sealed class BlindIndexColumnPlan(EncryptedColumnRegistration registration, int index, SqlDialect dialect)
{
    public EncryptedColumnRegistration Registration { get; } = registration;

    public int Index { get; } = index;

    public SearchableColumn Searchable { get; } = registration.ToSearchableColumn()!;

    public EncryptedColumn Identity { get; } = registration.ToEncryptedColumn();

    public string IndexColumn => Registration.BlindIndex!.IndexColumn;

    /// <summary>The value as read and compared (cast to its stored form on SQLite).</summary>
    public string Value { get; } = dialect.Stored(SqlDialect.Quote(registration.Column), registration.Storage);

    public string QuotedValue { get; } = SqlDialect.Quote(registration.Column);

    public string QuotedIndex { get; } = SqlDialect.Quote(registration.BlindIndex!.IndexColumn);

    /// <summary>The index as read (a BLOB on SQLite whatever was written around the application).</summary>
    public string StoredIndex { get; } = dialect.Stored(SqlDialect.Quote(registration.BlindIndex!.IndexColumn), EncryptedStorage.Binary);

    /// <summary>The header parameter of this column's target (key version and normalization).</summary>
    public string HeaderParameter => "@h" + Index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The SQL that builds the blind indexes of one table's searchable columns. A row needs work ("candidate") when a
/// column has a value and no index, or an index whose header is not the target's (another index key, normalization
/// or format), or an index but no value. Rows done are no longer candidates, so a run is resumed by running again.
/// </summary>
internal sealed class BlindIndexTablePlan
{
    public BlindIndexTablePlan(IReadOnlyList<EncryptedColumnRegistration> columns, SqlDialect dialect)
    {
        var first = columns[0];
        Dialect = dialect;
        Schema = first.Schema;
        Table = first.Table;
        KeyColumns = first.KeyColumns;
        QuotedKeys = [.. KeyColumns.Select(SqlDialect.Quote)];
        SqlTable = dialect.Table(Schema, Table);
        Columns = [.. columns.Select((c, i) => new BlindIndexColumnPlan(c, i, dialect))];
    }

    public SqlDialect Dialect { get; }

    public string? Schema { get; }

    public string Table { get; }

    public string Name => string.IsNullOrEmpty(Schema) ? Table : $"{Schema}.{Table}";

    public IReadOnlyList<string> KeyColumns { get; }

    public IReadOnlyList<string> QuotedKeys { get; }

    public string SqlTable { get; }

    public IReadOnlyList<BlindIndexColumnPlan> Columns { get; }

    public static IReadOnlyList<BlindIndexTablePlan> Create(IEnumerable<EncryptedColumnRegistration> registered, SqlDialect dialect) =>
        [.. registered.Where(c => c.BlindIndex is not null)
            .GroupBy(c => (Schema: c.Schema ?? string.Empty, c.Table))
            .OrderBy(g => g.Key.Schema, StringComparer.Ordinal).ThenBy(g => g.Key.Table, StringComparer.Ordinal)
            .Select(g => new BlindIndexTablePlan([.. g.OrderBy(c => c.Column, StringComparer.Ordinal)], dialect))];

    /// <summary>The next batch of candidate rows after the cursor <c>@k0..</c> (or from the start), locked where the dialect can.</summary>
    public string BatchQuery(bool fromStart, int limit)
    {
        var sql = new StringBuilder("SELECT ")
            .AppendJoin(", ", QuotedKeys.Concat(Columns.SelectMany(c => new[] { c.Value, c.StoredIndex })))
            .Append(" FROM ").Append(SqlTable)
            .Append(" WHERE (").AppendJoin(" OR ", Columns.Select(Candidate)).Append(')');
        if (!fromStart)
        {
            sql.Append(" AND ").Append(QuotedKeys.Count == 1
                ? $"{QuotedKeys[0]} > @k0"
                : $"({string.Join(", ", QuotedKeys)}) > ({string.Join(", ", QuotedKeys.Select((_, i) => Invariant($"@k{i}")))})");
        }

        return sql.Append(" ORDER BY ").AppendJoin(", ", QuotedKeys)
            .Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture))
            .Append(Dialect.LockClause)
            .ToString();
    }

    public void AddBatchParameters(DbCommand command, int targetVersion, object[]? cursor)
    {
        foreach (var column in Columns)
        {
            command.Add(column.HeaderParameter, BlindIndexLayout.Header(targetVersion, column.Searchable.Normalization));
        }

        for (var i = 0; cursor is not null && i < cursor.Length; i++)
        {
            command.Add(Invariant($"@k{i}"), cursor[i]);
        }
    }

    /// <summary>Sets one column's index of one row, only where the value is still the one that was read (the application's write wins).</summary>
    public string UpdateStatement(BlindIndexColumnPlan column, bool valueIsNull) =>
        $"UPDATE {SqlTable} SET {column.QuotedIndex} = @new WHERE {KeyCondition()} AND " +
        (valueIsNull ? $"{column.QuotedValue} IS NULL" : $"{column.Value} = @old");

    /// <summary>The key of the row holding <c>@index</c> in a column's index (the other side of a duplicate).</summary>
    public string HolderQuery(BlindIndexColumnPlan column) =>
        $"SELECT {string.Join(", ", QuotedKeys)} FROM {SqlTable} WHERE {column.QuotedIndex} = @index LIMIT 1";

    /// <summary>One column's rows with a value, per index header (null: no index).</summary>
    public string CoverageQuery(BlindIndexColumnPlan column) =>
        $"SELECT {Dialect.Prefix(column.StoredIndex, EncryptedStorage.Binary, BlindIndexLayout.HeaderLength)}, COUNT(*) FROM {SqlTable} WHERE {column.QuotedValue} IS NOT NULL GROUP BY 1";

    public string KeyCondition() => string.Join(" AND ", QuotedKeys.Select((key, k) => Invariant($"{key} = @k{k}")));

    private string Candidate(BlindIndexColumnPlan column)
    {
        var header = Dialect.Prefix(column.StoredIndex, EncryptedStorage.Binary, BlindIndexLayout.HeaderLength);
        return $"(({column.QuotedValue} IS NOT NULL AND ({column.QuotedIndex} IS NULL OR {header} <> {column.HeaderParameter})) " +
            $"OR ({column.QuotedValue} IS NULL AND {column.QuotedIndex} IS NOT NULL))";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
