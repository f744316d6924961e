using NSec.Cryptography;

namespace ColumnCrypto.Cryptography;

/// <summary>
/// HMAC-SHA-256 by libsodium (NSec <see cref="MacAlgorithm.HmacSha256"/>), the key imported once and never exportable.
/// The HMAC state after absorbing the key (its inner and outer padded blocks) is computed once too: each hash starts
/// from a copy of it, so a short value costs two SHA-256 compressions instead of four (about half the time of
/// <c>Mac(key, data)</c>; figures in benchmarks/results/search.md).
/// </summary>
/// <remarks>
/// The keyed state is as secret as the key (it computes the same HMACs). It lives in this object (NSec's state is a
/// plain struct) and is zeroed on dispose; each copy is zeroed when its hash is done.
/// </remarks>
internal sealed class LibsodiumKeyedHash : KeyedHash
{
    private static readonly HmacSha256 Algorithm = MacAlgorithm.HmacSha256;

    private readonly Key _key;
    private IncrementalMac _keyed;

    public LibsodiumKeyedHash(ReadOnlySpan<byte> key)
        : base(key)
    {
        _key = Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });
        IncrementalMac.Initialize(_key, out _keyed);
    }

    protected override void ComputeFull(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var state = _keyed;
        try
        {
            IncrementalMac.Update(ref state, data);
            IncrementalMac.Finalize(ref state, hash);
        }
        finally
        {
            state = default;
        }
    }

    protected override void DisposeKey()
    {
        _keyed = default;
        _key.Dispose();
    }
}
