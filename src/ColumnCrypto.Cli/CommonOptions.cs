using System.CommandLine;
using ColumnCrypto.Cli.Database;
using ColumnCrypto.Data;

namespace ColumnCrypto.Cli;

/// <summary>The options every command takes (declared once on the root command, recursive).</summary>
internal sealed class CommonOptions
{
    public const string ConnectionEnvironmentVariable = "COLUMNCRYPTO_CONNECTION";

    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "The ColumnCrypto YAML configuration (schedule, plugins.awsKms, masterKey). Without it: the defaults, " +
            "with the master key from COLUMNCRYPTO_MASTER_KEY or .columncrypto/master.key.",
        Recursive = true,
    };

    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = $"The database connection string (PostgreSQL \"Host=...\" or SQLite \"Data Source=...\"). Default: ${ConnectionEnvironmentVariable}.",
        Recursive = true,
    };

    public Option<ColumnCryptoDatabaseProvider?> Provider { get; } = new("--provider")
    {
        Description = "postgres or sqlite, when the connection string does not show it.",
        HelpName = "postgres|sqlite",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            switch (text.ToLowerInvariant())
            {
                case "postgres" or "postgresql":
                    return ColumnCryptoDatabaseProvider.PostgreSql;
                case "sqlite":
                    return ColumnCryptoDatabaseProvider.Sqlite;
                default:
                    result.AddError($"--provider '{text}' is not a database ColumnCrypto supports: give postgres or sqlite");
                    return null;
            }
        },
    };

    public Option<KeyTableName?> KeyTable { get; } = new("--key-table")
    {
        Description = "The data key table as the application names it with KeyTable(name, schema): NAME or SCHEMA.NAME. " +
            "Default: columncrypto_data_keys. ColumnCrypto's other tables are looked for in the same schema.",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            var parsed = KeyTableName.Parse(text);
            if (parsed is null)
            {
                result.AddError($"--key-table '{text}' is not a table name: give NAME or SCHEMA.NAME, as the application passes to KeyTable(name, schema)");
            }

            return parsed;
        },
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable output: one JSON document on standard output.",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log what ColumnCrypto does to standard error, and print stack traces of errors.",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Config);
        root.Options.Add(Connection);
        root.Options.Add(Provider);
        root.Options.Add(KeyTable);
        root.Options.Add(Json);
        root.Options.Add(Verbose);
    }
}
