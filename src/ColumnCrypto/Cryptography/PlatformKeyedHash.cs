using System.Security.Cryptography;

namespace ColumnCrypto.Cryptography;

/// <summary>HMAC-SHA-256 by the platform (<see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>), from a pinned copy of the key zeroed on dispose.</summary>
internal sealed class PlatformKeyedHash : KeyedHash
{
    private readonly byte[] _key;

    public PlatformKeyedHash(ReadOnlySpan<byte> key)
        : base(key)
    {
        _key = GC.AllocateArray<byte>(key.Length, pinned: true);
        key.CopyTo(_key);
    }

    protected override void ComputeFull(ReadOnlySpan<byte> data, Span<byte> hash) => HMACSHA256.HashData(_key, data, hash);

    protected override void DisposeKey() => CryptographicOperations.ZeroMemory(_key);
}
