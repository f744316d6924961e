using System.Security.Cryptography;
using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Keys;

/// <summary>
/// An unwrapped data key: 256 bits in a pinned array (so the GC never leaves copies behind) that is zeroed on dispose.
/// Values up to <see cref="HardwareAesGcm.MaxLength"/> bytes are sealed by one shared <see cref="HardwareAesGcm"/>
/// (immutable, so safe across threads without locks; about 0.2 µs instead of 0.9 µs for a 40-byte value). Larger values,
/// or every value when the CPU lacks AES-NI, use <see cref="AesGcm"/> instances cached per thread, because one instance
/// is not safe for concurrent use and creating one per value costs about 1.6 µs. Both give identical bytes.
/// </summary>
internal sealed class DataKey : IDisposable
{
    public const int KeySize = 32;

    private readonly byte[] _material;
    private readonly ThreadLocal<AesGcm> _ciphers;
    private readonly HardwareAesGcm? _hardware;
    private int _disposed;

    /// <summary>Takes a copy of <paramref name="material"/>; the caller zeroes its own copy.</summary>
    public DataKey(DataKeyRecord record, ReadOnlySpan<byte> material)
    {
        if (material.Length != KeySize)
        {
            throw new ArgumentException($"A data key is {KeySize} bytes, not {material.Length}.", nameof(material));
        }

        Record = record;
        _material = GC.AllocateArray<byte>(KeySize, pinned: true);
        material.CopyTo(_material);
        _ciphers = new ThreadLocal<AesGcm>(() => new AesGcm(_material, CiphertextTagSize), trackAllValues: true);
        _hardware = HardwareAesGcm.IsAvailable ? new HardwareAesGcm(_material) : null;
    }

    private const int CiphertextTagSize = Cryptography.CiphertextFormat.TagSize;

    public int Version => Record.Version;

    /// <summary>The key row this key was unwrapped from (no key material).</summary>
    public DataKeyRecord Record { get; }

    /// <summary>Encryptions this process may still make under the key before reserving more (see <see cref="EncryptionBudget"/>).</summary>
    public EncryptionBudget Budget { get; } = new();

    /// <summary>This thread's platform AES-GCM instance for the key (created on first use on each thread).</summary>
    public AesGcm Cipher => _ciphers.Value!;

    /// <summary>AES-256-GCM encryption under this key; <paramref name="ciphertext"/> may be <paramref name="plaintext"/> itself.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        if (_hardware is { } hardware && plaintext.Length <= HardwareAesGcm.MaxLength)
        {
            hardware.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
        else
        {
            Cipher.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
    }

    /// <summary>AES-256-GCM decryption under this key.</summary>
    /// <exception cref="AuthenticationTagMismatchException">The value or its associated data was altered.</exception>
    public void Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (_hardware is { } hardware && ciphertext.Length <= HardwareAesGcm.MaxLength)
        {
            hardware.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
        }
        else
        {
            Cipher.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
        }
    }

    /// <summary>The key bytes, for commitment checks and rewrap verification only.</summary>
    public ReadOnlySpan<byte> Material => _material;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var cipher in _ciphers.Values)
        {
            cipher.Dispose();
        }

        _ciphers.Dispose();
        _hardware?.Dispose();
        CryptographicOperations.ZeroMemory(_material);
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => $"DataKey v{Version}";
}
