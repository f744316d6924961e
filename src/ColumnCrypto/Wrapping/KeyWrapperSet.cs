using ColumnCrypto.Keys;

namespace ColumnCrypto.Wrapping;

/// <summary>
/// The configured key-encryption keys: the primary wraps new data keys; any of them may unwrap existing ones (so keys
/// wrapped before a master-key change stay readable until they are rewrapped).
/// </summary>
internal sealed class KeyWrapperSet : IDisposable
{
    public KeyWrapperSet(IKeyWrapper primary, IEnumerable<IKeyWrapper>? others = null)
    {
        Primary = primary;
        All = [primary, .. others ?? []];
    }

    public IKeyWrapper Primary { get; }

    public IReadOnlyList<IKeyWrapper> All { get; }

    public IKeyWrapper? FindFor(DataKeyRecord record) =>
        All.FirstOrDefault(w => w.CanUnwrap(record.WrappingProvider, record.WrappingKeyId));

    public IEnumerable<string> Describe() => All.Select(w => $"{w.Provider} key '{w.KeyId}'");

    /// <summary>
    /// Zeroes the local master keys when the container is disposed. Only local wrappers: the core creates them, while
    /// KMS wrappers belong to (and are disposed by) their plugin's factory.
    /// </summary>
    public void Dispose()
    {
        foreach (var local in All.OfType<LocalMasterKeyWrapper>())
        {
            local.Dispose();
        }
    }
}
