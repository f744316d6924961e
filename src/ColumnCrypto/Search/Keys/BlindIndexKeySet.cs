using System.Collections.Concurrent;
using System.Security.Cryptography;
using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Search.Keys;

/// <summary>
/// An immutable snapshot of the active blind-index root keys, by version, with the per-column keys derived from them
/// (HKDF-SHA-256 over the root key, with the column's table, column and normalization in the info, so equal values in
/// two columns, or under two normalizations, get unrelated indexes). Root and derived keys are pinned and zeroed on
/// dispose; the key source disposes a set when it replaces it.
/// </summary>
internal sealed class BlindIndexKeySet : IDisposable
{
    private readonly Dictionary<int, byte[]> _roots;
    private readonly ConcurrentDictionary<(SearchableColumn Column, int Version), KeyedHash> _columnKeys = new();
    private int _disposed;

    /// <summary>Takes copies of the root keys; the caller zeroes its own.</summary>
    public BlindIndexKeySet(IEnumerable<KeyValuePair<int, byte[]>> roots)
    {
        _roots = [];
        foreach (var (version, key) in roots)
        {
            if (key.Length != KeyedHash.KeySize)
            {
                throw new ArgumentException($"Blind-index key version {version} is {key.Length} bytes; it must be {KeyedHash.KeySize}.", nameof(roots));
            }

            var copy = GC.AllocateArray<byte>(KeyedHash.KeySize, pinned: true);
            key.CopyTo(copy, 0);
            _roots.Add(version, copy);
        }

        LookupVersions = [.. _roots.Keys.OrderDescending()];
        WriteVersion = LookupVersions.Count == 0 ? 0 : LookupVersions[0];
    }

    /// <summary>The version new indexes are written with (the newest active); 0 when there is none.</summary>
    public int WriteVersion { get; }

    /// <summary>Every active version, newest first: what lookups match.</summary>
    public IReadOnlyList<int> LookupVersions { get; }

    public bool Has(int version) => _roots.ContainsKey(version);

    /// <summary>The keyed hash of <paramref name="column"/> under index key <paramref name="version"/>, by <paramref name="backend"/>, derived once per set.</summary>
    public KeyedHash For(SearchableColumn column, int version, ICipherBackend backend)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_columnKeys.TryGetValue((column, version), out var existing))
        {
            return existing;
        }

        var root = _roots.GetValueOrDefault(version)
            ?? throw new ColumnCryptoKeyException($"There is no active blind-index key version {version} (active: {string.Join(", ", LookupVersions)}).", version);
        Span<byte> derived = stackalloc byte[KeyedHash.KeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, root, derived, ReadOnlySpan<byte>.Empty, column.KeyInfo(version));
            var created = backend.CreateKeyedHash(derived);
            if (_columnKeys.TryAdd((column, version), created))
            {
                return created;
            }

            created.Dispose();
            return _columnKeys[(column, version)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var key in _columnKeys.Values)
        {
            key.Dispose();
        }

        foreach (var root in _roots.Values)
        {
            CryptographicOperations.ZeroMemory(root);
        }
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => $"BlindIndexKeySet (versions {string.Join(", ", LookupVersions)})";
}
