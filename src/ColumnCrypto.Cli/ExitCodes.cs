namespace ColumnCrypto.Cli;

/// <summary>The tool's exit codes. Documented in the README and in <c>columncrypto --help</c>; scripts rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Any other failure: database unreachable or refusing, KMS unreachable, an unexpected error.</summary>
    public const int Error = 1;

    /// <summary>Bad arguments: unknown command or option, missing value, connection string of unknown kind.</summary>
    public const int UsageError = 2;

    /// <summary>Bad configuration: invalid YAML, missing or malformed master key, incomplete KMS settings.</summary>
    public const int ConfigurationError = 3;

    /// <summary>Verification failed: a stored value does not decrypt (verify, or reencrypt meeting such a value), or verify found a wrong blind index.</summary>
    public const int VerificationFailed = 4;

    /// <summary>
    /// Data keys cannot be unwrapped or verified: wrong master key, KMS key refused, tampered key row, key table
    /// inconsistent with its ring head. A KMS that cannot be reached is <see cref="Error"/> (try again later), not this.
    /// </summary>
    public const int KeyError = 5;

    /// <summary>Refused because it would lose data: retiring a key version that values still use, a first key over existing encrypted values.</summary>
    public const int Refused = 6;

    /// <summary>Interrupted (Ctrl+C). Work done so far is kept; resumable commands continue when run again.</summary>
    public const int Cancelled = 130;

    public const string HelpText =
        "Exit codes: 0 success; 1 other error (database or KMS unreachable, unexpected); 2 usage error; " +
        "3 configuration error; 4 verification failed (a value does not decrypt, or a blind index is wrong); 5 data keys cannot be unwrapped or verified " +
        "(wrong master key, KMS refused, tampered key row, key table inconsistent with its ring head); 6 refused (a key version " +
        "still in use, a first key over existing encrypted values); 130 interrupted.";
}
