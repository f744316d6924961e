namespace ColumnCrypto;

/// <summary>
/// A stored value could not be decrypted. The message names the table, column and key version, and why; it never
/// contains the value or key material.
/// </summary>
public sealed class ColumnDecryptionException : ColumnCryptoException
{
    /// <summary>Creates the exception.</summary>
    public ColumnDecryptionException(string message, string table, string column, int? keyVersion, Exception? innerException = null)
        : base(message, innerException)
    {
        Table = table;
        Column = column;
        KeyVersion = keyVersion;
    }

    /// <summary>Creates the exception.</summary>
    public ColumnDecryptionException() : this("A value could not be decrypted.", string.Empty, string.Empty, null) { }

    /// <summary>Creates the exception.</summary>
    public ColumnDecryptionException(string message) : this(message, string.Empty, string.Empty, null) { }

    /// <summary>Creates the exception.</summary>
    public ColumnDecryptionException(string message, Exception? innerException) : this(message, string.Empty, string.Empty, null, innerException) { }

    /// <summary>The table of the value.</summary>
    public string Table { get; }

    /// <summary>The column of the value.</summary>
    public string Column { get; }

    /// <summary>The key version named in the value's header, when it could be read.</summary>
    public int? KeyVersion { get; }
}

/// <summary>
/// Data keys could not be loaded, unwrapped, verified or created (wrong master key, KMS failure, tampered key row).
/// ColumnCrypto never creates a new key after such a failure.
/// </summary>
public class ColumnCryptoKeyException : ColumnCryptoException
{
    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyException(string message, int? keyVersion, Exception? innerException = null)
        : base(message, innerException) => KeyVersion = keyVersion;

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyException() : this("Data keys are unavailable.", null) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyException(string message) : this(message, null) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyException(string message, Exception? innerException) : this(message, null, innerException) { }

    /// <summary>The key version concerned, when one is.</summary>
    public int? KeyVersion { get; }

    /// <summary>
    /// Whether the key service could not be reached or kept failing (network, timeout, throttling, a server error after
    /// retries): trying again later may succeed, and nothing says the key rows or the wrapping key are wrong. False for
    /// refusals and for keys that do not unwrap.
    /// </summary>
    public bool IsTransient { get; init; }
}

/// <summary>
/// A key lifecycle operation was refused because it could lose data: retiring or destroying a data key that values
/// still use, the newest key, or a key superseded too recently. The message says why and what to do first.
/// </summary>
public sealed class ColumnCryptoRefusedException : ColumnCryptoException
{
    /// <summary>Creates the exception.</summary>
    public ColumnCryptoRefusedException(string message, int? keyVersion)
        : base(message) => KeyVersion = keyVersion;

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoRefusedException() : this("The operation was refused.", (int?)null) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoRefusedException(string message) : this(message, (int?)null) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoRefusedException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The key version concerned, when one is.</summary>
    public int? KeyVersion { get; }

    /// <summary>
    /// Whether the key service could not be reached or kept failing (network, timeout, throttling, a server error after
    /// retries): trying again later may succeed, and nothing says the key rows or the wrapping key are wrong. False for
    /// refusals and for keys that do not unwrap.
    /// </summary>
    public bool IsTransient { get; init; }
}
