namespace ColumnCrypto.Data.Reencryption;

/// <summary>The error messages of re-encryption and retirement, in one place.</summary>
internal static class ReencryptionErrors
{
    public static string PlaintextNotAllowed(int length) =>
        $"it carries no ColumnCrypto header ({length} bytes or characters): plaintext, or data from elsewhere. To encrypt legacy plaintext, " +
        "enable UseColumnEncryption(..., o => o.AllowPlaintextReads()) in the application (which records it in the registry) and run again.";

    public const string Damaged =
        "it starts with ColumnCrypto's magic bytes but its header is invalid or it is too short: the value is damaged. Restore it from a backup or write it again.";

    public static string PlaintextUnreadable(string valueType, string reason) =>
        $"it is plaintext but cannot be read as a {valueType}: {reason}. Fix the value (see docs/operations.md, plaintext migration), then run again.";

    public static string IndexUnavailable(string reason) =>
        $"it is plaintext in a searchable column and its blind index cannot be computed: {reason} It stays plaintext: encrypted without its index, " +
        "lookups would miss it.";
}
