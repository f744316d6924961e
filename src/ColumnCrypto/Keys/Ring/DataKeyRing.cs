namespace ColumnCrypto.Keys.Ring;

/// <summary>
/// An immutable snapshot of the unwrapped, active data keys. The cache swaps whole rings, so readers on the hot
/// path never lock: they read one reference.
/// </summary>
internal sealed class DataKeyRing
{
    private readonly DataKey?[] _byVersion;

    public DataKeyRing(IReadOnlyList<DataKeyRecord> records, IReadOnlyList<DataKey> keys)
    {
        Records = records;
        Keys = keys;
        var max = keys.Count == 0 ? 0 : keys.Max(k => k.Version);
        _byVersion = new DataKey?[max + 1];
        foreach (var key in keys)
        {
            _byVersion[key.Version] = key;
        }

        Newest = keys.Count == 0 ? null : _byVersion[max];
        NewestRecord = records.Where(r => r.Status == DataKeyStatus.Active).MaxBy(r => r.Version);
    }

    public static DataKeyRing Empty { get; } = new([], []);

    /// <summary>Every key row, retired ones included (no key material).</summary>
    public IReadOnlyList<DataKeyRecord> Records { get; }

    /// <summary>The unwrapped active keys.</summary>
    public IReadOnlyList<DataKey> Keys { get; }

    /// <summary>The key that encrypts new values, or null when there is none yet.</summary>
    public DataKey? Newest { get; }

    public DataKeyRecord? NewestRecord { get; }

    /// <summary>The highest version in the table, retired or not.</summary>
    public int HighestVersion => Records.Count == 0 ? 0 : Records.Max(r => r.Version);

    public DataKey? Find(int version) => (uint)version < (uint)_byVersion.Length ? _byVersion[version] : null;
}
