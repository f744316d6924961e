namespace ColumnCrypto.Cli.Database;

/// <summary>The databases the tool works with (the values of --provider).</summary>
internal enum DatabaseProvider
{
    Postgres,
    Sqlite,
}
