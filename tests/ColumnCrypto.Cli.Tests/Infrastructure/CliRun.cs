namespace ColumnCrypto.Cli.Tests.Infrastructure;

/// <summary>What one in-process run of the tool returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs <c>columncrypto</c> in-process, as the dotnet tool's entry point does, with its output captured, a working
/// folder of its own and a clock the test can move.
/// </summary>
public sealed class CliRunner(string workingDirectory)
{
    public ShiftedTimeProvider Time { get; } = new();

    public string WorkingDirectory { get; } = workingDirectory;

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ColumnCryptoCli.RunAsync(args, new CliEnvironment(output, error, WorkingDirectory, isTerminal: false, Time));
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>
/// The system clock moved forward by <see cref="Advance"/>: "now" jumps (past the retirement grace period, say), while
/// delays and timers keep real time, so batch pauses and timeouts in the library still elapse.
/// </summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private TimeSpan _offset;

    public void Advance(TimeSpan by) => _offset += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
}
