using ColumnCrypto.Cryptography;

namespace ColumnCrypto.Search.Keys;

/// <summary>
/// Blind-index root keys given in code, for tests and single-process prototypes only: the keys are not stored
/// anywhere, so they must be supplied identically to every process that writes or looks up (and losing them means
/// rebuilding every index). Versions are added in increasing order; new indexes use the newest, lookups match every
/// version not retired. Register with <c>UseBlindIndexKeys</c> on the builder <c>AddColumnCrypto</c> returns.
/// </summary>
/// <example>
/// <code>
/// var keys = new InMemoryBlindIndexKeys();
/// keys.Add(1, Convert.FromBase64String(Environment.GetEnvironmentVariable("APP_BLIND_INDEX_KEY")!));
/// services.AddColumnCrypto(...).UseBlindIndexKeys(keys);
/// </code>
/// </example>
public sealed class InMemoryBlindIndexKeys : IBlindIndexKeys, IDisposable
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, byte[]> _keys = [];
    private readonly List<BlindIndexKeySet> _replaced = [];
    private volatile BlindIndexKeySet _current = new([]);

    /// <summary>The versions lookups match (not retired), newest first.</summary>
    public IReadOnlyList<int> ActiveVersions => _current.LookupVersions;

    BlindIndexKeySet IBlindIndexKeys.Current => _current.WriteVersion > 0
        ? _current
        : throw new ColumnCryptoKeyException(
            "No blind-index key is available for searchable columns. Supply one with UseBlindIndexKeys(...) on the builder AddColumnCrypto returns.", null);

    Task IBlindIndexKeys.RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds index key <paramref name="version"/> (256 bits): from now on new indexes use it, and lookups match it too.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes, or the version is not above every version added before.</exception>
    public void Add(int version, ReadOnlySpan<byte> key)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        if (key.Length != KeyedHash.KeySize)
        {
            throw new ArgumentException($"A blind-index key is {KeyedHash.KeySize} bytes, not {key.Length}.", nameof(key));
        }

        lock (_lock)
        {
            if (_keys.Count > 0 && version <= _keys.Keys.Max())
            {
                throw new ArgumentException($"Blind-index key versions only grow: {version} is not above {_keys.Keys.Max()}.", nameof(version));
            }

            _keys.Add(version, key.ToArray());
            Publish();
        }
    }

    /// <summary>
    /// Retires <paramref name="version"/>: lookups no longer match it. Only safe once no stored index uses it (check the
    /// index coverage first, as <c>BlindIndexBuilder.EnsureRetirableAsync</c> does); the newest version cannot be retired.
    /// </summary>
    public void Retire(int version)
    {
        lock (_lock)
        {
            if (!_keys.TryGetValue(version, out var retired))
            {
                throw new ArgumentException($"There is no active blind-index key version {version}.", nameof(version));
            }

            if (version == _keys.Keys.Max())
            {
                throw new ColumnCryptoRefusedException($"Blind-index key version {version} is the newest: new indexes use it, so it cannot be retired.", version);
            }

            System.Security.Cryptography.CryptographicOperations.ZeroMemory(retired);
            _keys.Remove(version);
            Publish();
        }
    }

    /// <summary>Zeroes every key.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var key in _keys.Values)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            }

            _keys.Clear();
            _current.Dispose();
            foreach (var set in _replaced)
            {
                set.Dispose();
            }
        }
    }

    /// <summary>Never shows key material.</summary>
    public override string ToString() => $"InMemoryBlindIndexKeys (versions {string.Join(", ", ActiveVersions)})";

    // A replaced set is not disposed at once (a lookup may still be hashing with it): it is zeroed with this object.
    private void Publish()
    {
        _replaced.Add(_current);
        _current = new BlindIndexKeySet(_keys);
    }
}
