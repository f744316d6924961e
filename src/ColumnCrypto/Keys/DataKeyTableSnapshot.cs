namespace ColumnCrypto.Keys;

/// <summary>
/// The key table as one consistent read: every key row and the ring head of the same moment (no change of the ring
/// lies between them). What <see cref="IDataKeyStore.ReadAsync"/> returns; ColumnCrypto verifies it before it uses a key.
/// </summary>
/// <param name="KeyTable">The key table's name for messages, for example <c>columncrypto_data_keys</c> or <c>crypto.data_keys</c>.</param>
/// <param name="RingHeadTable">Where the ring head is kept, for messages, for example <c>columncrypto_key_ring</c>.</param>
/// <param name="Rows">Every key row, in version order, as stored (an unknown status is passed on as its number).</param>
/// <param name="Head">The ring head, or null when none was ever written (an empty table, or one written before ring heads existed).</param>
public sealed record DataKeyTableSnapshot(string KeyTable, string RingHeadTable, IReadOnlyList<DataKeyRecord> Rows, KeyRingHead? Head)
{
    /// <summary>
    /// Every blind-index key row (the keys of searchable columns, kept next to the key table in the same shape and under
    /// the same ring head), in version order. Their <see cref="DataKeyRecord.RollOverAt"/> and
    /// <see cref="DataKeyRecord.EncryptionCount"/> are not used: index keys change only when an operator rotates them.
    /// </summary>
    public IReadOnlyList<DataKeyRecord> BlindIndexKeys { get; init; } = [];
}
