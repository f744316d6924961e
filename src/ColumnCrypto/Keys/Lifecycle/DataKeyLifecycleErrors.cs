using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// The key lifecycle's error messages: for rewrap, which version failed, what is already done, and that a rerun
/// resumes; for retire and destroy, why the key was kept and what to do.
/// </summary>
internal static class DataKeyLifecycleErrors
{
    public static ColumnCryptoKeyException RewrapFailed(DataKeyRecord record, IKeyWrapper target, IReadOnlyList<int> done, Exception inner) =>
        new($"Rewrapping data key version {record.Version} from {record.WrappingProvider} key '{record.WrappingKeyId}' to {target.Provider} key " +
            $"'{target.KeyId}' failed: {inner.Message} {Progress(done)} Fix the cause and run the rewrap again: it resumes, skipping rows already " +
            "on the target. Values are never touched by a rewrap.",
            record.Version, inner);

    public static ColumnCryptoKeyException RewrapVerificationFailed(DataKeyRecord record, IKeyWrapper target) =>
        new($"The data key version {record.Version} rewrapped by {target.Provider} key '{target.KeyId}' did not unwrap to the same key; " +
            "its row was not changed.", record.Version);

    public static ColumnCryptoKeyException NoSuchKey(int version) =>
        new($"There is no data key version {version} in the key table.", version);

    public static ColumnCryptoRefusedException RetireRefused(int version, string reason) =>
        new($"Data key version {version} was not retired: {reason}", version);

    public static ColumnCryptoRefusedException DestroyRefused(int version, string reason) =>
        new($"Data key version {version} was not destroyed: {reason}", version);

    private static string Progress(IReadOnlyList<int> done) =>
        done.Count == 0
            ? "No row was changed."
            : $"Versions {string.Join(", ", done)} were rewrapped before it and stay so; the rest are unchanged.";
}
