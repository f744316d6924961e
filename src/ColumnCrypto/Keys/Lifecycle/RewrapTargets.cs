using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>Key-encryption keys to rewrap data keys to, other than the configured one.</summary>
public static class RewrapTargets
{
    /// <summary>
    /// A local 256-bit master key (AES-256-GCM key wrapping), for moving data keys from KMS back to a master key.
    /// The wrapper keeps its own copy of the key: zero <paramref name="masterKey"/> yourself when done, and dispose the
    /// returned wrapper (it implements <see cref="IDisposable"/>) to zero its copy.
    /// </summary>
    /// <param name="masterKey">The 32-byte master key, as in <c>COLUMNCRYPTO_MASTER_KEY</c> after base64 decoding.</param>
    /// <returns>The wrapper, whose <see cref="IKeyWrapper.KeyId"/> is the master key's fingerprint.</returns>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static IKeyWrapper LocalMasterKey(ReadOnlySpan<byte> masterKey) => new LocalMasterKeyWrapper(masterKey.ToArray());
}
