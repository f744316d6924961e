using System.Data.Common;
using System.Text;
using ColumnCrypto.Data.Sql;

namespace ColumnCrypto.Data.Schema;

/// <summary>
/// ColumnCrypto's tables in a database without EF Core migrations (Dapper and ADO.NET applications, the
/// <c>columncrypto init</c> tool): which are missing, and creating them with the same DDL EF Core would run for them
/// (a test proves the two, and the scripts in <c>migrations/</c>, create the same schema). Existing tables, and the
/// application's own tables, are never changed.
/// </summary>
public static class ColumnCryptoSchema
{
    /// <summary>What to do where ColumnCrypto's tables are missing, for messages: every way to create them, once.</summary>
    internal const string HowToCreate =
        "Create ColumnCrypto's tables: with EF Core, add a migration (UseColumnEncryption puts them in the model) and apply it, or call " +
        "Database.EnsureCreatedAsync() on a new database (it creates nothing in a database that already has tables); without EF Core, call " +
        "ColumnCryptoSchema.CreateMissingTablesAsync(database), run the scripts in migrations/, or run 'columncrypto init'.";

    /// <summary>The names (<c>schema.name</c> or <c>name</c>) of ColumnCrypto's tables that <paramref name="database"/> lacks.</summary>
    public static async Task<IReadOnlyList<string>> FindMissingTablesAsync(ColumnCryptoDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return [.. (await MissingAsync(database, connection, cancellationToken).ConfigureAwait(false)).Select(database.DisplayName)];
    }

    /// <summary>Creates ColumnCrypto's tables that <paramref name="database"/> lacks, in one transaction.</summary>
    /// <returns>The names of the tables created (empty when all existed).</returns>
    public static async Task<IReadOnlyList<string>> CreateMissingTablesAsync(ColumnCryptoDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var missing = await MissingAsync(database, connection, cancellationToken).ConfigureAwait(false);
        if (missing.Count == 0)
        {
            return [];
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (database.Schema is { } schema && database.Dialect.CreateSchema(schema) is { } createSchema)
        {
            await ExecuteAsync(connection, transaction, createSchema, cancellationToken).ConfigureAwait(false);
        }

        foreach (var table in missing)
        {
            await ExecuteAsync(connection, transaction, CreateTableSql(database, table), cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return [.. missing.Select(database.DisplayName)];
    }

    /// <summary>The <c>CREATE TABLE IF NOT EXISTS</c> statement of one of ColumnCrypto's tables in this database.</summary>
    internal static string CreateTableSql(ColumnCryptoDatabase database, TableDefinition table)
    {
        var dialect = database.Dialect;
        var name = database.NameOf(table);
        var inlineKey = database.Provider == ColumnCryptoDatabaseProvider.Sqlite && table.PrimaryKey.Count == 1;
        var sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").Append(database.TableName(table)).AppendLine(" (");
        var lines = table.Columns.Select(c =>
        {
            var line = $"    {SqlDialect.Quote(c.Name)} {dialect.ColumnType(c)} {(c.IsNullable ? "NULL" : "NOT NULL")}";

            // As EF Core's SQLite provider writes it: a single-column key on its column.
            return inlineKey && c.Name == table.PrimaryKey[0] ? $"{line} CONSTRAINT {SqlDialect.Quote("PK_" + name)} PRIMARY KEY" : line;
        }).ToList();
        if (!inlineKey)
        {
            lines.Add($"    CONSTRAINT {SqlDialect.Quote("PK_" + name)} PRIMARY KEY ({string.Join(", ", table.PrimaryKey.Select(SqlDialect.Quote))})");
        }

        return sql.AppendJoin("," + Environment.NewLine, lines).AppendLine().Append(')').ToString();
    }

    private static async Task<List<TableDefinition>> MissingAsync(ColumnCryptoDatabase database, DbConnection connection, CancellationToken cancellationToken)
    {
        var missing = new List<TableDefinition>();
        foreach (var table in ColumnCryptoTables.All)
        {
            await using var command = DbCommands.Create(connection, database.Dialect.TableExistsQuery);
            command.Add("@name", database.NameOf(table));
            command.AddText("@schema", database.Schema);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                missing.Add(table);
            }
        }

        return missing;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, sql, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
