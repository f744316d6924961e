using NSec.Cryptography;

namespace ColumnCrypto.Cryptography;

/// <summary>HMAC-SHA-256 by libsodium (NSec <see cref="MacAlgorithm.HmacSha256"/>), the key imported once and never exportable.</summary>
internal sealed class LibsodiumKeyedHash : KeyedHash
{
    private static readonly HmacSha256 Algorithm = MacAlgorithm.HmacSha256;

    private readonly Key _key;

    public LibsodiumKeyedHash(ReadOnlySpan<byte> key)
        : base(key) =>
        _key = Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });

    protected override void ComputeFull(ReadOnlySpan<byte> data, Span<byte> hash) => Algorithm.Mac(_key, data, hash);

    protected override void DisposeKey() => _key.Dispose();
}
