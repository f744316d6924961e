using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace ColumnCrypto.Cli.Database;

/// <summary>
/// ColumnCrypto's tables in a database: which exist, and creating the missing ones from the EF model of
/// <see cref="ColumnCryptoTablesContext"/> (the same DDL an application's migration of that model would run).
/// Existing tables, and the application's own tables, are never changed.
/// </summary>
internal static class ColumnCryptoSchema
{
    /// <summary>ColumnCrypto's tables, as (schema, name), in the model's order.</summary>
    public static IReadOnlyList<(string? Schema, string Name)> Tables(DbContext context) =>
        [.. context.Model.GetEntityTypes()
            .Where(e => e.GetTableName() is not null)
            .Select(e => (e.GetSchema(), e.GetTableName()!))
            .Distinct()];

    /// <summary>The data key table, as (schema, name).</summary>
    public static (string? Schema, string Name) KeyTable(DbContext context)
    {
        var entity = context.Model.FindEntityType(typeof(Keys.DataKeyRecord))!;
        return (entity.GetSchema(), entity.GetTableName()!);
    }

    public static async Task<IReadOnlyList<(string? Schema, string Name)>> FindMissingAsync(DbContext context, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        var missing = new List<(string?, string)>();
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var table in Tables(context))
            {
                if (!await ExistsAsync(connection, provider, table, cancellationToken).ConfigureAwait(false))
                {
                    missing.Add(table);
                }
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }

        return missing;
    }

    /// <summary>Creates <paramref name="tables"/> (with their indexes) as the model defines them, in one transaction where the database allows.</summary>
    public static async Task CreateAsync(DbContext context, IReadOnlyCollection<(string? Schema, string Name)> tables, CancellationToken cancellationToken)
    {
        if (tables.Count == 0)
        {
            return;
        }

        var model = context.GetService<IDesignTimeModel>().Model;
        var operations = context.GetService<IMigrationsModelDiffer>()
            .GetDifferences(null, model.GetRelationalModel())
            .Where(op => op switch
            {
                EnsureSchemaOperation schema => tables.Any(t => t.Schema == schema.Name),
                TableOperation table => tables.Contains((table.Schema, table.Name)),
                CreateIndexOperation index => tables.Contains((index.Schema, index.Table)),
                AddForeignKeyOperation foreignKey => tables.Contains((foreignKey.Schema, foreignKey.Table)),
                _ => false,
            })
            .ToList();
        var commands = context.GetService<IMigrationsSqlGenerator>().Generate(operations, model);
        await context.GetService<IMigrationCommandExecutor>()
            .ExecuteNonQueryAsync(commands, context.GetService<IRelationalConnection>(), cancellationToken)
            .ConfigureAwait(false);
    }

    public static string Display((string? Schema, string Name) table) => table.Schema is null ? table.Name : $"{table.Schema}.{table.Name}";

    private static async Task<bool> ExistsAsync(DbConnection connection, DatabaseProvider provider, (string? Schema, string Name) table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = provider == DatabaseProvider.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @name AND table_schema = COALESCE(@schema, current_schema())";
        AddParameter(command, "@name", table.Name);
        if (provider != DatabaseProvider.Sqlite)
        {
            AddParameter(command, "@schema", table.Schema);
        }

        var count = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static void AddParameter(DbCommand command, string name, string? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = (object?)value ?? DBNull.Value;
        parameter.DbType = System.Data.DbType.String;
        command.Parameters.Add(parameter);
    }
}
