namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>A planned change of the blind-index key rows (see <see cref="DataKeyManager.TryChangeBlindIndexKeysAsync"/>).</summary>
/// <param name="RowsAfter">Every blind-index key row as the change leaves them: what the new ring head records.</param>
/// <param name="Insert">A new row, or null.</param>
/// <param name="Changes">Changes of existing rows (each applied only while the row has its expected status).</param>
internal sealed record BlindIndexKeyChange(IReadOnlyList<DataKeyRecord> RowsAfter, DataKeyRecord? Insert, IReadOnlyList<KeyRowChange> Changes);
