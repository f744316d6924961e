namespace ColumnCrypto.Cli.Failures;

/// <summary>A failure the tool reports as one line on standard error with a chosen exit code.</summary>
internal class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    public int ExitCode { get; }

    public static CliException Usage(string message) => new(ExitCodes.UsageError, message);

    public static CliException Configuration(string message, Exception? inner = null) => new(ExitCodes.ConfigurationError, message, inner);

    public static CliException Refused(string message) => new(ExitCodes.Refused, message);

    public static CliException VerificationFailed(string message) => new(ExitCodes.VerificationFailed, message);
}
