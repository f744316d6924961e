using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ColumnCrypto.Diagnostics;

namespace ColumnCrypto.Wrapping;

/// <summary>
/// Wraps data keys with a local 256-bit master key (AES-256-GCM). The wrapped form is nonce ‖ ciphertext ‖ tag; the
/// authenticated data binds the key version and purpose. The key id stored in the key table is a fingerprint
/// (an HMAC of a fixed label), so a wrong master key is recognised by name, before any unwrap is tried.
/// </summary>
internal sealed class LocalMasterKeyWrapper : IKeyWrapper, IDisposable
{
    public const string ProviderName = "local";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] FingerprintLabel = Encoding.ASCII.GetBytes("ColumnCrypto.MasterKeyId.v1");
    private static readonly byte[] AadLabel = Encoding.ASCII.GetBytes("ColumnCrypto.WrappedDataKey.v1");

    private readonly byte[] _masterKey;
    private volatile bool _disposed;

    /// <summary>Takes ownership of <paramref name="masterKey"/> (it is zeroed on dispose).</summary>
    public LocalMasterKeyWrapper(byte[] masterKey)
    {
        if (masterKey.Length != MasterKeyLoader.KeySize)
        {
            throw new ArgumentException($"A master key is {MasterKeyLoader.KeySize} bytes.", nameof(masterKey));
        }

        _masterKey = GC.AllocateArray<byte>(masterKey.Length, pinned: true);
        masterKey.CopyTo(_masterKey, 0);
        CryptographicOperations.ZeroMemory(masterKey);
        KeyId = "local:" + Convert.ToHexStringLower(HMACSHA256.HashData(_masterKey, FingerprintLabel).AsSpan(0, 8));
    }

    public string Provider => ProviderName;

    public string KeyId { get; }

    public bool CanUnwrap(string provider, string keyId) =>
        provider == ProviderName && string.Equals(keyId, KeyId, StringComparison.Ordinal);

    public Task<byte[]> WrapAsync(ReadOnlyMemory<byte> dataKey, KeyWrapContext context, CancellationToken cancellationToken)
    {
        // After Dispose the key is zeros: wrapping with it (and verifying with it) would store a key nobody can unwrap.
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var activity = ColumnCryptoActivitySource.StartWrapping(ColumnCryptoActivitySource.KeyWrap, ProviderName, KeyId, context.KeyVersion);
        var wrapped = new byte[NonceSize + dataKey.Length + TagSize];
        var span = wrapped.AsSpan();
        RandomNumberGenerator.Fill(span[..NonceSize]);
        using var aes = new AesGcm(_masterKey, TagSize);
        aes.Encrypt(span[..NonceSize], dataKey.Span, span.Slice(NonceSize, dataKey.Length), span[^TagSize..], AssociatedData(context));
        return Task.FromResult(wrapped);
    }

    public Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, string keyId, KeyWrapContext context, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var activity = ColumnCryptoActivitySource.StartWrapping(ColumnCryptoActivitySource.KeyUnwrap, ProviderName, keyId, context.KeyVersion);
        try
        {
            return Task.FromResult(Unwrap(wrappedKey.Span, keyId, context));
        }
        catch (CryptographicException e)
        {
            activity.Fail(e);
            throw;
        }
    }

    private byte[] Unwrap(ReadOnlySpan<byte> span, string keyId, KeyWrapContext context)
    {
        if (!CanUnwrap(ProviderName, keyId))
        {
            throw new CryptographicException($"it was wrapped by master key '{keyId}', but the configured master key is '{KeyId}'.");
        }

        if (span.Length <= NonceSize + TagSize)
        {
            throw new CryptographicException("the wrapped key is too short.");
        }

        var key = new byte[span.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_masterKey, TagSize);
        try
        {
            aes.Decrypt(span[..NonceSize], span[NonceSize..^TagSize], span[^TagSize..], key, AssociatedData(context));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("the wrapped key does not authenticate for this key version (altered, or moved from another key row).", e);
        }

        return key;
    }

    private static byte[] AssociatedData(KeyWrapContext context)
    {
        var purpose = Encoding.UTF8.GetBytes(context.Purpose);
        var aad = new byte[AadLabel.Length + 4 + purpose.Length];
        AadLabel.CopyTo(aad, 0);
        BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(AadLabel.Length), context.KeyVersion);
        purpose.CopyTo(aad, AadLabel.Length + 4);
        return aad;
    }

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_masterKey);
    }

    public override string ToString() => $"LocalMasterKeyWrapper({KeyId})";
}
