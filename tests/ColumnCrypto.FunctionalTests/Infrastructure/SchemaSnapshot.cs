using System.Data.Common;
using System.Text;

namespace ColumnCrypto.FunctionalTests.Infrastructure;

/// <summary>A textual description of ColumnCrypto's tables (columns, types, nullability, primary keys), to compare schemas.</summary>
public static class SchemaSnapshot
{
    public static async Task<string> DescribeAsync(TestDatabase database)
    {
        await using var connection = database.OpenConnection();
        return database.Provider == Provider.PostgreSql
            ? await DescribePostgresAsync(connection)
            : await DescribeSqliteAsync(connection);
    }

    private static async Task<string> DescribePostgresAsync(DbConnection connection)
    {
        var text = new StringBuilder();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT table_name, column_name, data_type, coalesce(character_maximum_length, -1), is_nullable, coalesce(column_default, '')
                FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name LIKE 'columncrypto%'
                ORDER BY table_name, ordinal_position
                """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine($"{reader.GetString(0)}.{reader.GetString(1)} {reader.GetString(2)}({reader.GetInt32(3)}) nullable={reader.GetString(4)} default={reader.GetString(5)}");
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT tc.table_name, tc.constraint_name, tc.constraint_type, string_agg(kcu.column_name, ',' ORDER BY kcu.ordinal_position)
                FROM information_schema.table_constraints tc
                JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
                WHERE tc.table_schema = 'public' AND tc.table_name LIKE 'columncrypto%'
                GROUP BY tc.table_name, tc.constraint_name, tc.constraint_type
                ORDER BY tc.table_name, tc.constraint_name
                """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine($"{reader.GetString(0)} {reader.GetString(2)} {reader.GetString(1)} ({reader.GetString(3)})");
            }
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'columncrypto%' ORDER BY 1, 2";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine($"index {reader.GetString(2)}");
            }
        }

        return text.ToString();
    }

    private static async Task<string> DescribeSqliteAsync(DbConnection connection)
    {
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'columncrypto%' ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT name, type, \"notnull\", coalesce(dflt_value, ''), pk FROM pragma_table_info('{table}') ORDER BY cid";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    text.AppendLine($"{table}.{reader.GetString(0)} {reader.GetString(1)} notnull={reader.GetInt64(2)} default={reader.GetString(3)} pk={reader.GetInt64(4)}");
                }
            }

            await using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT name, \"unique\", origin FROM pragma_index_list('{table}') ORDER BY name";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    text.AppendLine($"{table} index {reader.GetString(0)} unique={reader.GetInt64(1)} origin={reader.GetString(2)}");
                }
            }
        }

        return text.ToString();
    }
}
