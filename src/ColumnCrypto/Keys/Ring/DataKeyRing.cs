namespace ColumnCrypto.Keys.Ring;

/// <summary>
/// An immutable snapshot of the verified key table and its unwrapped, active data keys. The cache swaps whole rings, so
/// readers on the hot path never lock: they read one reference.
/// </summary>
internal sealed class DataKeyRing
{
    private readonly DataKey?[] _byVersion;

    public DataKeyRing(DataKeyTableSnapshot table, IReadOnlyList<DataKey> keys)
    {
        Table = table;
        Keys = keys;
        var max = keys.Count == 0 ? 0 : keys.Max(k => k.Version);
        _byVersion = new DataKey?[max + 1];
        foreach (var key in keys)
        {
            _byVersion[key.Version] = key;
        }

        Newest = keys.Count == 0 ? null : _byVersion[max];
        NewestRecord = table.Rows.Where(r => r.Status == DataKeyStatus.Active).MaxBy(r => r.Version);
        HighestVersion = table.Rows.Count == 0 ? 0 : table.Rows.Max(r => r.Version);
    }

    public static DataKeyRing Empty { get; } = new(new DataKeyTableSnapshot(string.Empty, string.Empty, [], null), []);

    /// <summary>The key table as verified: every row (retired ones included, no key material) and the ring head.</summary>
    public DataKeyTableSnapshot Table { get; }

    /// <summary>Every key row, retired ones included (no key material).</summary>
    public IReadOnlyList<DataKeyRecord> Records => Table.Rows;

    /// <summary>The unwrapped active keys.</summary>
    public IReadOnlyList<DataKey> Keys { get; }

    /// <summary>The key that encrypts new values, or null when there is none yet.</summary>
    public DataKey? Newest { get; }

    public DataKeyRecord? NewestRecord { get; }

    /// <summary>The highest version in the table, retired or destroyed included: the next key gets the one above.</summary>
    public int HighestVersion { get; }

    public DataKey? Find(int version) => (uint)version < (uint)_byVersion.Length ? _byVersion[version] : null;
}
