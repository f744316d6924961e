namespace ColumnCrypto.Wrapping;

/// <summary>
/// A key-encryption key that wraps (encrypts) and unwraps data keys: the local master key, or a KMS key.
/// Implementations must bind <see cref="KeyWrapContext"/> into the wrapping (authenticated data or KMS encryption
/// context), so a wrapped key moved to another key row fails to unwrap.
/// </summary>
public interface IKeyWrapper
{
    /// <summary>The provider name stored in the key table: <c>local</c>, or the KMS plugin's name.</summary>
    string Provider { get; }

    /// <summary>Which key wraps new data keys: a master key fingerprint or a KMS key id. Stored in the key table; not secret.</summary>
    string KeyId { get; }

    /// <summary>Whether this wrapper can unwrap a key wrapped by <paramref name="provider"/> key <paramref name="keyId"/>.</summary>
    bool CanUnwrap(string provider, string keyId);

    /// <summary>Wraps a 32-byte data key.</summary>
    Task<byte[]> WrapAsync(ReadOnlyMemory<byte> dataKey, KeyWrapContext context, CancellationToken cancellationToken);

    /// <summary>Unwraps a data key. The caller zeroes the returned array when done with it.</summary>
    Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, string keyId, KeyWrapContext context, CancellationToken cancellationToken);
}

/// <summary>What a wrapped data key is bound to: its key-table row.</summary>
/// <param name="KeyVersion">The data key's version.</param>
/// <param name="Purpose">A fixed label naming what the key is for.</param>
public readonly record struct KeyWrapContext(int KeyVersion, string Purpose = KeyWrapContext.DataKeyPurpose)
{
    /// <summary>The purpose of ColumnCrypto data keys.</summary>
    public const string DataKeyPurpose = "columncrypto-data-key";

    /// <summary>The purpose of ColumnCrypto blind-index keys (the keys of searchable columns' indexes).</summary>
    public const string BlindIndexKeyPurpose = "columncrypto-blind-index-key";
}
