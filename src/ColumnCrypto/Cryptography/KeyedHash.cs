namespace ColumnCrypto.Cryptography;

/// <summary>
/// HMAC-SHA-256 under one 256-bit key, for deterministic lookups (blind indexes): the same bytes from every backend, so
/// instances with different <c>cipher</c> settings compute the same index. Safe for concurrent use; dispose it to zero
/// the key. Blind-index code gets one from the application's backend,
/// <c>selector.Backend.CreateKeyedHash(key)</c> with the <see cref="CipherBackendSelector"/> singleton, so it follows
/// the <c>cipher</c> setting: libsodium's HMAC (about three times as fast on Linux, its keyed state computed once) by default, the platform's for FIPS.
/// </summary>
/// <remarks>
/// HMAC-SHA-256 rather than keyed BLAKE2b, although BLAKE2b is faster in libsodium: the platform backend (FIPS) has
/// no BLAKE2b, and an index must not depend on which backend computed it (figures in docs/performance.md).
/// </remarks>
internal abstract class KeyedHash : IDisposable
{
    /// <summary>The key size: 256 bits.</summary>
    public const int KeySize = 32;

    /// <summary>The full HMAC-SHA-256 output.</summary>
    public const int MaxHashSize = 32;

    /// <summary>The shortest output allowed: 128 bits.</summary>
    public const int MinHashSize = 16;

    private int _disposed;

    /// <summary>Checks the key size; the derived class keeps the key.</summary>
    protected KeyedHash(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A keyed-hash key is {KeySize} bytes, not {key.Length}.", nameof(key));
        }
    }

    /// <summary>
    /// Writes HMAC-SHA-256(key, <paramref name="data"/>) into <paramref name="hash"/>, truncated to its length
    /// (<see cref="MinHashSize"/> to <see cref="MaxHashSize"/> bytes).
    /// </summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (hash.Length is < MinHashSize or > MaxHashSize)
        {
            throw new ArgumentException($"A keyed hash is {MinHashSize} to {MaxHashSize} bytes, not {hash.Length}.", nameof(hash));
        }

        if (hash.Length == MaxHashSize)
        {
            ComputeFull(data, hash);
            return;
        }

        Span<byte> full = stackalloc byte[MaxHashSize];
        ComputeFull(data, full);
        full[..hash.Length].CopyTo(hash);
    }

    /// <summary>Zeroes the key.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            DisposeKey();
        }
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => "HMAC-SHA-256 key";

    /// <summary>Writes the full 32-byte HMAC into <paramref name="hash"/>.</summary>
    protected abstract void ComputeFull(ReadOnlySpan<byte> data, Span<byte> hash);

    /// <summary>Releases and zeroes the key.</summary>
    protected abstract void DisposeKey();
}
