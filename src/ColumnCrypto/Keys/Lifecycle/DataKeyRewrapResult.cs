namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>What a rewrap did, by data key version. Run it again to resume or to confirm: it skips rows already done.</summary>
/// <param name="Rewrapped">Versions rewrapped under the target now.</param>
/// <param name="AlreadyOnTarget">Versions that were already wrapped by the target (left as they were).</param>
/// <param name="ChangedMeanwhile">
/// Versions whose row changed between read and write (another rewrap got there first); left as the other writer
/// left them. Run the rewrap again to check them.
/// </param>
public sealed record DataKeyRewrapResult(IReadOnlyList<int> Rewrapped, IReadOnlyList<int> AlreadyOnTarget, IReadOnlyList<int> ChangedMeanwhile)
{
    /// <summary>Whether the ring key (which authenticates the key ring's head) was rewrapped under the target now.</summary>
    public bool RingKeyRewrapped { get; init; }

    /// <summary>The blind-index key versions rewrapped under the target now.</summary>
    public IReadOnlyList<int> BlindIndexKeysRewrapped { get; init; } = [];

    /// <summary>Whether every data key is now wrapped by the target.</summary>
    public bool Complete => ChangedMeanwhile.Count == 0;
}
