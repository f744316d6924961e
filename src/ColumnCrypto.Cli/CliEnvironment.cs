namespace ColumnCrypto.Cli;

/// <summary>
/// Where a run of the tool writes and which folder relative paths are resolved against. The process's own console
/// for real runs; string writers and a temporary folder for tests that invoke the tool in-process.
/// </summary>
internal sealed class CliEnvironment
{
    public CliEnvironment(TextWriter output, TextWriter error, string workingDirectory, bool isTerminal = false, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        Output = output;
        Error = error;
        WorkingDirectory = Path.GetFullPath(workingDirectory);
        IsTerminal = isTerminal;
    }

    /// <summary>Standard output: results (tables, or JSON with --json).</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: the one-line error, and diagnostics with --verbose.</summary>
    public TextWriter Error { get; }

    /// <summary>The folder relative paths (--config, SQLite files, the default master key file) are resolved against.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Whether standard output is an interactive terminal (colours and live progress bars).</summary>
    public bool IsTerminal { get; }

    /// <summary>The clock (tests move it forward, for example past the retirement grace period).</summary>
    public TimeProvider Time { get; }

    public static CliEnvironment FromProcess() =>
        new(Console.Out, Console.Error, Environment.CurrentDirectory, !Console.IsOutputRedirected);

    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
