namespace ColumnCrypto.Envelope;

/// <summary>What a stored value of an encrypted column is, judged by its header alone (nothing is decrypted).</summary>
public enum StoredValueKind
{
    /// <summary>A ColumnCrypto format-1 value: its key version is known (it may still fail to decrypt if altered).</summary>
    Ciphertext,

    /// <summary>Starts with ColumnCrypto's magic bytes but has no valid header, or is too short: damaged, never plaintext.</summary>
    Damaged,

    /// <summary>No ColumnCrypto magic: plaintext from before the column was encrypted, or data from elsewhere.</summary>
    Plaintext,
}

/// <summary>
/// Classifies stored values of encrypted columns from their header: the one place that decides "is this ciphertext,
/// under which key version, or plaintext, or damaged". Binary columns hold the value's bytes; base64 text columns hold
/// their base64 form.
/// </summary>
public static class StoredValue
{
    /// <summary>Classifies a binary column's stored bytes; <paramref name="keyVersion"/> is the header's key version, or -1.</summary>
    public static StoredValueKind Classify(ReadOnlySpan<byte> stored, out int keyVersion)
    {
        keyVersion = EnvelopeLayout.ReadKeyVersion(stored);
        if (keyVersion > 0 && stored.Length >= EnvelopeLayout.Overhead)
        {
            return StoredValueKind.Ciphertext;
        }

        keyVersion = -1;
        return EnvelopeLayout.HasMagic(stored) ? StoredValueKind.Damaged : StoredValueKind.Plaintext;
    }

    /// <summary>
    /// Classifies a base64 text column's stored text. Text that is not base64, or whose bytes do not start with the
    /// magic, is plaintext; otherwise <paramref name="bytes"/> holds the decoded value.
    /// </summary>
    public static StoredValueKind Classify(string stored, out int keyVersion, out byte[]? bytes)
    {
        ArgumentNullException.ThrowIfNull(stored);
        keyVersion = -1;
        bytes = null;
        if (!stored.StartsWith(StoredValuePrefixes.Base64Magic[..2], StringComparison.Ordinal))
        {
            // Cheap exit for ordinary text: every ColumnCrypto value starts with "zO".
            return StoredValueKind.Plaintext;
        }

        var buffer = new byte[(stored.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(stored, buffer, out var written))
        {
            return StoredValueKind.Plaintext;
        }

        var decoded = buffer.AsSpan(0, written);
        var kind = Classify(decoded, out keyVersion);
        if (kind != StoredValueKind.Plaintext)
        {
            bytes = decoded.ToArray();
        }

        return kind;
    }

    /// <summary>The key version in a stored value's header, or null when it is not a (complete) ColumnCrypto value.</summary>
    public static int? GetKeyVersion(ReadOnlySpan<byte> stored) =>
        Classify(stored, out var version) == StoredValueKind.Ciphertext ? version : null;
}
