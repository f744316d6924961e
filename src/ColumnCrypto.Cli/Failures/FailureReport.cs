using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Cli.Failures;

/// <summary>Turns any exception into the exit code and the one-line reason the tool prints.</summary>
internal static class FailureReport
{
    public static (int ExitCode, string Message) Describe(Exception exception) => exception switch
    {
        CliException e => (e.ExitCode, e.Message),
        ColumnCryptoConfigurationException e => (ExitCodes.ConfigurationError, e.Message),
        OptionsValidationException e => (ExitCodes.ConfigurationError, "Invalid configuration: " + string.Join(" ", e.Failures)),
        ColumnDecryptionException e => (ExitCodes.VerificationFailed, e.Message + " Run 'columncrypto verify' to list every value that does not decrypt."),
        ColumnCryptoRefusedException e => (ExitCodes.Refused, e.Message),
        ColumnCryptoKeyException { IsTransient: true } e => (ExitCodes.Error, e.Message),
        ColumnCryptoKeyException e => (ExitCodes.KeyError, e.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "Interrupted. Work finished so far is kept; run the command again to continue."),
        _ when FindDatabaseError(exception) is { } db => (ExitCodes.Error, DescribeDatabaseError(db)),
        _ => (ExitCodes.Error, $"{exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>One line: newlines in messages (database server texts) become spaces.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Exception? FindDatabaseError(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException or SocketException or TimeoutException)
            {
                return e;
            }
        }

        return null;
    }

    private static string DescribeDatabaseError(Exception e)
    {
        var inner = Innermost(e);
        return inner is SocketException || e is TimeoutException || (inner != e && inner is IOException)
            ? $"Cannot reach the database: {e.Message} ({inner.Message}). Check --connection (host, port, credentials) and that the server is running."
            : $"Database error: {e.Message}";
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
