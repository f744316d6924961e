using System.Data.Common;
using System.Globalization;
using System.Text;
using ColumnCrypto.Envelope;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Search;
using ColumnCrypto.Values;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>One encrypted column of a <see cref="TablePlan"/>.</summary>
internal sealed class ColumnPlan(EncryptedColumnRegistration registration, int index, SqlDialect dialect)
{
    public EncryptedColumnRegistration Registration { get; } = registration;

    /// <summary>The column's position among the table's encrypted columns (and its parameters' suffix).</summary>
    public int Index { get; } = index;

    public string Name => Registration.Column;

    public EncryptedStorage Storage => Registration.Storage;

    /// <summary>The identity bound into the ciphertexts.</summary>
    public EncryptedColumn Identity { get; } = registration.ToEncryptedColumn();

    public string Quoted { get; } = SqlDialect.Quote(registration.Column);

    /// <summary>The stored value as read and compared (see <see cref="SqlDialect.Stored"/>).</summary>
    public string Stored { get; } = dialect.Stored(SqlDialect.Quote(registration.Column), registration.Storage);

    /// <summary>The column as its blind index hashes it, when it is searchable: encrypting its plaintext writes the index too.</summary>
    public SearchableColumn? Searchable { get; } = registration.ToSearchableColumn();

    /// <summary>The value's type, for its blind index (values equal in .NET get one index); null when the registry names an unknown type.</summary>
    public EncryptedValueType? ValueType { get; } = EncryptedValueType.FromName(registration.ValueType);

    /// <summary>The quoted blind-index column, when the column is searchable.</summary>
    public string? QuotedIndex { get; } = registration.BlindIndex is { } index ? SqlDialect.Quote(index.IndexColumn) : null;
}

/// <summary>
/// The SQL for one table and all its encrypted columns, which are re-encrypted together so each row is written once.
/// A value needs work ("candidate") when it is not null and its header is not that of the target key or newer:
/// binary headers compare byte-wise in version order; base64 values are matched against the 16 possible prefixes of
/// the target (newer ones are then skipped in code).
/// </summary>
internal sealed class TablePlan
{
    public TablePlan(IReadOnlyList<EncryptedColumnRegistration> columns, SqlDialect dialect)
    {
        var first = columns[0];
        Dialect = dialect;
        Schema = first.Schema;
        Table = first.Table;
        KeyColumns = first.KeyColumns;
        Columns = [.. columns.Select((c, i) => new ColumnPlan(c, i, dialect))];
        SqlTable = dialect.Table(Schema, Table);
        QuotedKeys = [.. KeyColumns.Select(SqlDialect.Quote)];
        HasBase64 = Columns.Any(c => c.Storage == EncryptedStorage.Base64Text);
        HasBinary = Columns.Any(c => c.Storage == EncryptedStorage.Binary);
    }

    public SqlDialect Dialect { get; }

    public string? Schema { get; }

    public string Table { get; }

    /// <summary>The table as <c>schema.table</c> or <c>table</c>, for messages, logs and metrics.</summary>
    public string Name => string.IsNullOrEmpty(Schema) ? Table : $"{Schema}.{Table}";

    public IReadOnlyList<string> KeyColumns { get; }

    public IReadOnlyList<string> QuotedKeys { get; }

    public IReadOnlyList<ColumnPlan> Columns { get; }

    public string SqlTable { get; }

    private bool HasBase64 { get; }

    private bool HasBinary { get; }

    /// <summary>
    /// The query for the next batch after <c>@k0..</c> (or from the start), locking rows where the dialect can. The limit
    /// is a literal: with a parameter, PostgreSQL's generic plan for the prepared statement may scan and sort the whole
    /// table for every batch instead of walking the primary key index.
    /// </summary>
    public string BatchQuery(bool fromStart, int limit)
    {
        var sql = new StringBuilder("SELECT ")
            .AppendJoin(", ", QuotedKeys.Concat(Columns.Select(c => c.Stored)))
            .Append(" FROM ").Append(SqlTable)
            .Append(" WHERE (").AppendJoin(" OR ", Columns.Select(Candidate)).Append(')');
        if (!fromStart)
        {
            sql.Append(" AND ").Append(KeyAfterCursor());
        }

        return sql.Append(" ORDER BY ").AppendJoin(", ", QuotedKeys)
            .Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture))
            .Append(Dialect.LockClause)
            .ToString();
    }

    /// <summary>The key of the row at <c>@offset</c> in key order: where a worker starts.</summary>
    public string KeyAtOffsetQuery() =>
        $"SELECT {string.Join(", ", QuotedKeys)} FROM {SqlTable} ORDER BY {string.Join(", ", QuotedKeys)} LIMIT 1 OFFSET @offset";

    /// <summary>Adds the target header parameters that <see cref="BatchQuery"/> uses, and the cursor.</summary>
    public void AddBatchParameters(DbCommand command, int targetVersion, object[]? cursor)
    {
        if (HasBinary)
        {
            command.Add("@hdr", StoredValuePrefixes.Header(targetVersion));
            command.Add("@magic", StoredValuePrefixes.Magic.ToArray());
        }

        if (HasBase64)
        {
            var prefixes = StoredValuePrefixes.Base64Prefixes(targetVersion);
            for (var i = 0; i < prefixes.Count; i++)
            {
                command.Add(Invariant($"@b{i}"), prefixes[i]);
            }
        }

        if (cursor is not null)
        {
            for (var i = 0; i < cursor.Length; i++)
            {
                command.Add(Invariant($"@k{i}"), cursor[i]);
            }
        }
    }

    /// <summary>
    /// Counts the table's values per header of every encrypted column, in one scan: per column, NULL for null, the
    /// 7 header bytes (or 10 base64 characters) of values that start with the magic, and an empty prefix for all others
    /// (plaintext); then the number of rows with each combination. Parameters: <c>@magic</c>, <c>@bmagic</c>.
    /// </summary>
    public string CoverageQuery()
    {
        var prefixes = Columns.Select(column =>
        {
            var stored = column.Stored;
            var (magic, header) = column.Storage == EncryptedStorage.Binary
                ? ($"{Dialect.Prefix(stored, column.Storage, StoredValuePrefixes.Magic.Length)} = @magic", Dialect.Prefix(stored, column.Storage, StoredValuePrefixes.HeaderLength))
                : ($"{Dialect.Prefix(stored, column.Storage, StoredValuePrefixes.Base64Magic.Length)} = @bmagic", Dialect.Prefix(stored, column.Storage, StoredValuePrefixes.Base64HeaderLength));
            return $"CASE WHEN {column.Quoted} IS NULL THEN NULL WHEN {magic} THEN {header} ELSE {Dialect.EmptyPrefix(column.Storage)} END";
        }).ToList();
        var groups = string.Join(", ", Enumerable.Range(1, Columns.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return $"SELECT {string.Join(", ", prefixes)}, COUNT(*) FROM {SqlTable} GROUP BY {groups}";
    }

    public void AddCoverageParameters(DbCommand command)
    {
        if (HasBinary)
        {
            command.Add("@magic", StoredValuePrefixes.Magic.ToArray());
        }

        if (HasBase64)
        {
            command.Add("@bmagic", StoredValuePrefixes.Base64Magic);
        }
    }

    /// <summary>A row key for logs and the progress table: the key values, invariant, comma-separated.</summary>
    public static string FormatKey(object[] key) =>
        string.Join(", ", key.Select(k => Convert.ToString(k, CultureInfo.InvariantCulture)));

    private string Candidate(ColumnPlan column)
    {
        var stored = column.Stored;
        if (column.Storage == EncryptedStorage.Binary)
        {
            var header = Dialect.Prefix(stored, column.Storage, StoredValuePrefixes.HeaderLength);
            var magic = Dialect.Prefix(stored, column.Storage, StoredValuePrefixes.Magic.Length);
            return $"({column.Quoted} IS NOT NULL AND NOT ({header} >= @hdr AND {magic} = @magic))";
        }

        var prefix = Dialect.Prefix(stored, column.Storage, StoredValuePrefixes.Base64HeaderLength);
        return $"({column.Quoted} IS NOT NULL AND {prefix} NOT IN ({string.Join(", ", Enumerable.Range(0, 16).Select(i => Invariant($"@b{i}")))}))";
    }

    private string KeyAfterCursor()
    {
        if (QuotedKeys.Count == 1)
        {
            return $"{QuotedKeys[0]} > @k0";
        }

        return $"({string.Join(", ", QuotedKeys)}) > ({string.Join(", ", QuotedKeys.Select((_, i) => Invariant($"@k{i}")))})";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
