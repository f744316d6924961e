using System.CommandLine;
using ColumnCrypto.Cli.Database;
using ColumnCrypto.Cli.Failures;
using ColumnCrypto.Cli.Hosting;
using ColumnCrypto.Cli.Output;

namespace ColumnCrypto.Cli;

/// <summary>
/// Runs a command's work inside a <see cref="CliSession"/> and turns the outcome into an exit code: 0, or the code of
/// the failure with its one-line reason on standard error (and the stack trace with --verbose).
/// </summary>
internal sealed class CommandRunner(CommonOptions options, CliEnvironment environment)
{
    public CommonOptions Options => options;

    public async Task<int> RunAsync(ParseResult parseResult, Func<CliSession, CancellationToken, Task<int>> work, CancellationToken cancellationToken)
    {
        var verbose = parseResult.GetValue(options.Verbose);
        var output = new CliOutput(environment, parseResult.GetValue(options.Json));
        var session = new CliSession(
            environment,
            output,
            verbose,
            parseResult.GetValue(options.KeyTable),
            () => CliConfiguration.Load(parseResult.GetValue(options.Config), environment),
            () => DatabaseTarget.Resolve(
                parseResult.GetValue(options.Connection) ?? Environment.GetEnvironmentVariable(CommonOptions.ConnectionEnvironmentVariable),
                parseResult.GetValue(options.Provider),
                environment));
        try
        {
            // Configuration problems come first (exit 3), before the database is touched.
            _ = session.Configuration;
            return await work(session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var (exitCode, message) = FailureReport.Describe(e);
            message = FailureReport.OneLine(message);
            environment.Error.WriteLine($"columncrypto: error: {message}");
            if (verbose)
            {
                environment.Error.WriteLine(e.ToString());
            }

            output.Failure(exitCode, message);
            return exitCode;
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
