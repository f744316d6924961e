using System.Security.Cryptography;

namespace ColumnCrypto.Keys;

/// <summary>
/// An unwrapped data key: 256 bits in a pinned array (so the GC never leaves copies behind) that is zeroed on dispose.
/// AES-GCM instances are cached per thread because one instance is not safe for concurrent use, and creating one per
/// value costs about 1.6 µs.
/// </summary>
internal sealed class DataKey : IDisposable
{
    public const int KeySize = 32;

    private readonly byte[] _material;
    private readonly ThreadLocal<AesGcm> _ciphers;
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
    }

    private const int CiphertextTagSize = Cryptography.CiphertextFormat.TagSize;

    public int Version => Record.Version;

    /// <summary>The key row this key was unwrapped from (no key material).</summary>
    public DataKeyRecord Record { get; }

    /// <summary>Encryptions this process may still make under the key before reserving more (see <see cref="EncryptionBudget"/>).</summary>
    public EncryptionBudget Budget { get; } = new();

    /// <summary>This thread's AES-GCM instance for the key.</summary>
    public AesGcm Cipher => _ciphers.Value!;

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
        CryptographicOperations.ZeroMemory(_material);
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => $"DataKey v{Version}";
}
