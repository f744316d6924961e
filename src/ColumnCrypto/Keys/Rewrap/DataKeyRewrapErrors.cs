using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Keys.Rewrap;

/// <summary>The rewrap's error messages: which version failed, what is already done, and that a rerun resumes.</summary>
internal static class DataKeyRewrapErrors
{
    public static ColumnCryptoKeyException Failed(DataKeyRecord record, IKeyWrapper target, IReadOnlyList<int> done, Exception inner) =>
        new($"Rewrapping data key version {record.Version} from {record.WrappingProvider} key '{record.WrappingKeyId}' to {target.Provider} key " +
            $"'{target.KeyId}' failed: {inner.Message} {Progress(done)} Fix the cause and run the rewrap again: it resumes, skipping rows already " +
            "on the target. Values are never touched by a rewrap.",
            record.Version, inner);

    public static ColumnCryptoKeyException VerificationFailed(DataKeyRecord record, IKeyWrapper target) =>
        new($"The data key version {record.Version} rewrapped by {target.Provider} key '{target.KeyId}' did not unwrap to the same key; " +
            "its row was not changed.", record.Version);

    private static string Progress(IReadOnlyList<int> done) =>
        done.Count == 0
            ? "No row was changed."
            : $"Versions {string.Join(", ", done)} were rewrapped before it and stay so; the rest are unchanged.";
}
