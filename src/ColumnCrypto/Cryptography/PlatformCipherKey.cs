using System.Security.Cryptography;
using ColumnCrypto.Envelope;

namespace ColumnCrypto.Cryptography;

/// <summary>
/// One data key for the platform's <see cref="AesGcm"/>. An <see cref="AesGcm"/> is not safe for concurrent use and
/// costs about 1.6 µs to create (key schedule and OpenSSL context), so each thread keeps its own, made on first use
/// from a pinned copy of the key that is zeroed on dispose.
/// </summary>
internal sealed class PlatformCipherKey : ICipherKey
{
    private const int TagSize = EnvelopeLayout.TagSize;

    private readonly byte[] _key;
    private readonly ThreadLocal<AesGcm> _ciphers;

    public PlatformCipherKey(ReadOnlySpan<byte> key)
    {
        _key = GC.AllocateArray<byte>(key.Length, pinned: true);
        key.CopyTo(_key);
        _ciphers = new ThreadLocal<AesGcm>(() => new AesGcm(_key, TagSize), trackAllValues: true);
    }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertextAndTag) =>
        _ciphers.Value!.Encrypt(nonce, plaintext, ciphertextAndTag[..^TagSize], ciphertextAndTag[^TagSize..], associatedData);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (ciphertextAndTag.Length < TagSize)
        {
            return false;
        }

        try
        {
            _ciphers.Value!.Decrypt(nonce, ciphertextAndTag[..^TagSize], ciphertextAndTag[^TagSize..], plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var cipher in _ciphers.Values)
        {
            cipher.Dispose();
        }

        _ciphers.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => "platform AES-256-GCM key";
}
