namespace ColumnCrypto;

/// <summary>
/// The key table does not match its authenticated ring head, or holds what ColumnCrypto never writes: key rows
/// deleted, added, duplicated or re-statused outside ColumnCrypto, an unknown status, a negative encryption count, or
/// an altered ring head. Nothing is created and no key of the table is used while it lasts; a running application keeps
/// the ring it verified before. <see cref="Problems"/> lists each inconsistency.
/// </summary>
public sealed class ColumnCryptoKeyRingException : ColumnCryptoKeyException
{
    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyRingException(string message, string keyTable, IReadOnlyList<string> problems, Exception? innerException = null)
        : base(message, null, innerException)
    {
        KeyTable = keyTable;
        Problems = problems;
    }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyRingException() : this("The key table failed its integrity check.", string.Empty, []) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyRingException(string message) : this(message, string.Empty, []) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoKeyRingException(string message, Exception? innerException) : this(message, string.Empty, [], innerException) { }

    /// <summary>The key table concerned, for example <c>columncrypto_data_keys</c>.</summary>
    public string KeyTable { get; }

    /// <summary>Each inconsistency, for example "version 2 is missing (the ring head records it as active): deleted".</summary>
    public IReadOnlyList<string> Problems { get; }
}
