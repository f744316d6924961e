using System.Security.Cryptography;
using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Keys.Ring;

/// <summary>
/// An unwrapped data key: 256 bits in a pinned array (so the GC never leaves copies behind) that is zeroed on dispose,
/// and the key prepared once by the application's cipher backend (libsodium or the platform's AesGcm, see
/// <see cref="CipherBackendSelector"/>), which seals and opens every value under it.
/// </summary>
internal sealed class DataKey : IDisposable
{
    public const int KeySize = 32;

    private readonly byte[] _material;
    private readonly ICipherKey _cipher;
    private int _disposed;

    /// <summary>Takes a copy of <paramref name="material"/>; the caller zeroes its own copy.</summary>
    public DataKey(DataKeyRecord record, ReadOnlySpan<byte> material, ICipherBackend cipher)
    {
        if (material.Length != KeySize)
        {
            throw new ArgumentException($"A data key is {KeySize} bytes, not {material.Length}.", nameof(material));
        }

        Record = record;
        _material = GC.AllocateArray<byte>(KeySize, pinned: true);
        material.CopyTo(_material);
        _cipher = cipher.CreateKey(_material);
    }

    public int Version => Record.Version;

    /// <summary>The key row this key was unwrapped from (no key material).</summary>
    public DataKeyRecord Record { get; }

    /// <summary>Encryptions this process may still make under the key before reserving more (see <see cref="EncryptionBudget"/>).</summary>
    public EncryptionBudget Budget { get; } = new();

    /// <summary>
    /// AES-256-GCM encryption under this key into <paramref name="ciphertextAndTag"/>; <paramref name="plaintext"/> may
    /// be its start (in place).
    /// </summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertextAndTag) =>
        _cipher.Encrypt(nonce, plaintext, associatedData, ciphertextAndTag);

    /// <summary>AES-256-GCM decryption under this key; false when the value or its associated data was altered.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData, Span<byte> plaintext) =>
        _cipher.TryDecrypt(nonce, ciphertextAndTag, associatedData, plaintext);

    /// <summary>The key bytes, for commitment checks and rewrap verification only.</summary>
    public ReadOnlySpan<byte> Material => _material;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _cipher.Dispose();
        CryptographicOperations.ZeroMemory(_material);
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => $"DataKey v{Version}";
}
