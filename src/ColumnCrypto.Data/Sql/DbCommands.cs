using System.Data.Common;

namespace ColumnCrypto.Data.Sql;

/// <summary>Small helpers to build parameterized commands on any ADO.NET provider.</summary>
internal static class DbCommands
{
    public static DbCommand Create(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbParameter Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>A text parameter that may be null: typed, since PostgreSQL cannot infer the type of an untyped NULL.</summary>
    public static DbParameter AddText(this DbCommand command, string name, string? value)
    {
        var parameter = command.Add(name, value);
        parameter.DbType = System.Data.DbType.String;
        return parameter;
    }

    /// <summary>A reader's value, with <see cref="DBNull"/> as null.</summary>
    public static object? Value(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal);
}
