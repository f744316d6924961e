using System.Security.Cryptography;

namespace ColumnCrypto.Search;

/// <summary>
/// The keyed hash of one column's index key: the one place the primitive is chosen. Today HMAC-SHA-256 from the
/// platform (OpenSSL on Linux), truncated to <see cref="BlindIndexLayout.HashLength"/> bytes; a keyed BLAKE2b could
/// replace it here (with a new <see cref="BlindIndexLayout"/> format, since stored indexes would change). An
/// <see cref="HMACSHA256"/> instance keeps its key schedule between calls (about 0.7 µs a value against 2 µs for the
/// static one-shot), but is not thread-safe: each thread gets its own. The key is a pinned copy, zeroed on dispose.
/// </summary>
internal sealed class BlindIndexHash : IDisposable
{
    public const int KeySize = 32;

    private readonly byte[] _key;
    private readonly ThreadLocal<HMACSHA256> _macs;
    private int _disposed;

    /// <summary>Takes a copy of <paramref name="key"/>; the caller zeroes its own.</summary>
    public BlindIndexHash(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A blind-index column key is {KeySize} bytes, not {key.Length}.", nameof(key));
        }

        _key = GC.AllocateArray<byte>(KeySize, pinned: true);
        key.CopyTo(_key);
        _macs = new ThreadLocal<HMACSHA256>(() => new HMACSHA256(_key), trackAllValues: true);
    }

    /// <summary>Writes the first <see cref="BlindIndexLayout.HashLength"/> bytes of the keyed hash of <paramref name="message"/>.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        _macs.Value!.TryComputeHash(message, full, out _);
        full[..BlindIndexLayout.HashLength].CopyTo(destination);
        CryptographicOperations.ZeroMemory(full);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var mac in _macs.Values)
        {
            mac.Dispose();
        }

        _macs.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => "BlindIndexHash";
}
