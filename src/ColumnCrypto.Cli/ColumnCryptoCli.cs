using System.CommandLine;
using ColumnCrypto.Cli.Commands;

namespace ColumnCrypto.Cli;

/// <summary>The <c>columncrypto</c> command line: its commands, and the entry point tests call in-process.</summary>
internal static class ColumnCryptoCli
{
    /// <summary>The command name, in usage lines and messages: what the dotnet tool installs.</summary>
    public const string Name = "columncrypto";

    public static Command Build(CliEnvironment environment)
    {
        var options = new CommonOptions();

        // Not a RootCommand: that one is named after the executable (ColumnCrypto.Cli.dll under the tool shim,
        // testhost in tests), and usage lines must say what people type.
        var root = new Command(Name,
            "ColumnCrypto operator tool: manage the data keys of an application's encrypted columns (create, inspect, rotate, rewrap, " +
            "re-encrypt, retire, verify) and the blind indexes of searchable columns. " + ExitCodes.HelpText)
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
        };
        options.AddTo(root);
        var runner = new CommandRunner(options, environment);
        root.Subcommands.Add(InitCommand.Create(runner));
        root.Subcommands.Add(StatusCommand.Create(runner));
        root.Subcommands.Add(RotateCommand.Create(runner));
        root.Subcommands.Add(RewrapCommand.Create(runner));
        root.Subcommands.Add(ReencryptCommand.Create(runner));
        root.Subcommands.Add(RetireCommand.Create(runner));
        root.Subcommands.Add(VerifyCommand.Create(runner));
        root.Subcommands.Add(IndexCommand.Create(runner));
        root.Subcommands.Add(NewKeyRingCommand.Create(runner));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = Build(environment);
        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = environment.Output, Error = environment.Error };
        if (parseResult.Errors.Count > 0 && !IsHelpRequest(parseResult))
        {
            var command = parseResult.CommandResult.Command;
            var help = command == root ? "columncrypto --help" : $"columncrypto {command.Name} --help";
            var reasons = Failures.FailureReport.OneLine(string.Join("; ", parseResult.Errors.Select(e => e.Message.TrimEnd('.'))));
            await environment.Error.WriteLineAsync($"columncrypto: usage error: {reasons}. See '{help}'.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsHelpRequest(ParseResult parseResult) =>
        parseResult.Action is System.CommandLine.Help.HelpAction;
}
