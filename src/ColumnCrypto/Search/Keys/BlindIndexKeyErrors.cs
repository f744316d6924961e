using ColumnCrypto.Keys;

namespace ColumnCrypto.Search.Keys;

/// <summary>The errors of blind-index keys, each naming the version and what to do.</summary>
internal static class BlindIndexKeyErrors
{
    public static ColumnCryptoKeyException NoActiveKey(string keyTable, bool autoGenerate) => new(
        autoGenerate
            ? $"The key table {keyTable} has no active blind-index key, so searchable columns cannot be written or looked up."
            : $"The key table {keyTable} has no active blind-index key, and automatic key creation is off (schedule.autoGenerateKeys: false). " +
              "An operator creates it: 'columncrypto index rotate-key', or BlindIndexKeyLifecycle.RotateAsync.",
        null);

    public static ColumnCryptoKeyException NoWrapperFor(DataKeyRecord row, IEnumerable<string> configured) => new(
        $"Blind-index key version {row.Version} is wrapped by {row.WrappingProvider} key '{row.WrappingKeyId}', but the configured key-encryption " +
        $"key is {string.Join(", ", configured)}. Configure the master key or KMS key that wrapped it, or rewrap the keys under the new one.",
        row.Version);

    public static ColumnCryptoKeyException UnwrapFailed(DataKeyRecord row, Exception inner) => new(
        $"Cannot unwrap blind-index key version {row.Version} with {row.WrappingProvider} key '{row.WrappingKeyId}': {inner.Message} " +
        "The key row was altered, or the wrapping key is not the one that wrapped it.",
        row.Version, inner);

    public static ColumnCryptoKeyException CommitmentMismatch(DataKeyRecord row) => new(
        $"Blind-index key version {row.Version} failed its commitment check: the key row was substituted or tampered with. " +
        "Restore the key table (with columncrypto_blind_index_keys and the ring head) from a backup.",
        row.Version);

    public static ColumnCryptoKeyException VerificationFailed(int version, string wrapper) =>
        new($"The new blind-index key version {version} did not unwrap to the same key with {wrapper}; nothing was written.", version);
}
