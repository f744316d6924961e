using ColumnCrypto.Keys;

namespace ColumnCrypto.Kms.Aws.Tests.Infrastructure;

/// <summary>
/// The key table's rows as text (version, status, wrapping, wrapped key, commitment), to prove that nothing was written,
/// not even half a row. The encryption count is left out: reserving encryptions is not a key change.
/// </summary>
internal sealed record InMemoryDataKeyStoreSnapshot(string Rows)
{
    public static async Task<InMemoryDataKeyStoreSnapshot> TakeAsync(IDataKeyStore store)
    {
        var rows = (await store.ReadAsync(CancellationToken.None)).Rows;
        return new(string.Join(Environment.NewLine, rows.Select(r =>
            $"{r.Version} {r.Status} {r.CreatedAt:O} {r.RollOverAt:O} {r.WrappingProvider} {r.WrappingKeyId} " +
            $"{Convert.ToBase64String(r.WrappedKey)} {Convert.ToBase64String(r.Commitment)}")));
    }
}
