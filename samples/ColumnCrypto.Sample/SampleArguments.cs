namespace ColumnCrypto.Sample;

/// <summary>The sample's few switches. (The operator tool, columncrypto, uses System.CommandLine; a sample keeps it short.)</summary>
internal sealed record SampleArguments(string? Connection, string? Config, bool? Rollover, bool Reset, bool Help, string? Error)
{
    public const string Usage =
        """
        Usage: dotnet run --project samples/ColumnCrypto.Sample [-- options]
          --connection STRING   PostgreSQL ("Host=...;Database=...;Username=...") or SQLite ("Data Source=file.db").
                                Default: SQLite at .columncrypto/sample.db in the working folder.
          --config FILE         ColumnCrypto YAML (for example awskms.yaml for AWS KMS). Default: a local master key
                                from COLUMNCRYPTO_MASTER_KEY, or .columncrypto/master.key (generated when missing).
          --simulate-rollover   Create a new data key before writing (default: on every run after the first).
          --no-rollover         Do not create a new data key on this run.
          --reset               Delete the SQLite sample database first (the master key file is kept).
        """;

    public static SampleArguments Parse(IReadOnlyList<string> args)
    {
        string? connection = null, config = null;
        bool? rollover = null;
        bool reset = false, help = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--connection" when i + 1 < args.Count:
                    connection = args[++i];
                    break;
                case "--config" when i + 1 < args.Count:
                    config = args[++i];
                    break;
                case "--simulate-rollover":
                    rollover = true;
                    break;
                case "--no-rollover":
                    rollover = false;
                    break;
                case "--reset":
                    reset = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                default:
                    return new SampleArguments(null, null, null, false, false, $"Unknown or incomplete argument '{args[i]}'.");
            }
        }

        return new SampleArguments(connection, config, rollover, reset, help, null);
    }
}
