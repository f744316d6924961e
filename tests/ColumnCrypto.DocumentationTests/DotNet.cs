using System.Diagnostics;
using System.Text;

namespace ColumnCrypto.DocumentationTests;

/// <summary>What a child process returned and printed (stdout and stderr interleaved).</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}

/// <summary>Runs <c>dotnet</c> and other programs as a user would in a shell, with a time limit.</summary>
public static class DotNet
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        RunProgramAsync("dotnet", workingDirectory, arguments, environment);

    public static async Task<ProcessResult> RunProgramAsync(string program, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test runner's own MSBuild settings would leak into the child builds.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = new StringBuilder();
        void Append(object _, DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {Limit}:\n{output}");
        }

        process.WaitForExit(); // the output events are complete only now
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }
}
