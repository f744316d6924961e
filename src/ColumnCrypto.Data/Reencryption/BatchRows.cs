using System.Data.Common;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>A row read for re-encryption: its key and its encrypted columns' stored values (byte[], string or null).</summary>
internal sealed record BatchRow(object[] Key, object?[] Values);

/// <summary>How a column's value was changed in a <see cref="RowChange"/>.</summary>
internal enum ValueChange
{
    None,
    Reencrypted,
    EncryptedPlaintext,
}

/// <summary>
/// The new values of one row: per column, the value that was read (<see cref="Old"/>) and its replacement
/// (<see cref="New"/>), both null for columns left as they are; and the new blind index of a searchable column whose
/// plaintext is encrypted (<see cref="Indexes"/>), null wherever the index stays as it is (a re-encrypted value keeps
/// its index: the index does not depend on the data key).
/// </summary>
internal sealed record RowChange(object[] Key, object?[] Old, object?[] New, ValueChange[] Changes, byte[]?[] Indexes);

/// <summary>
/// Writes a batch's new values inside the batch's transaction, each only where the stored value is still the one
/// that was read, so a concurrent application write always wins: on PostgreSQL through the row locks the batch's read
/// took, on SQLite (no row locks) by comparing the stored value in the UPDATE's condition.
/// </summary>
internal interface IBatchWriter
{
    /// <summary>For each change and column: whether the new value was written.</summary>
    Task<bool[][]> WriteAsync(DbConnection connection, DbTransaction transaction, TablePlan plan, IReadOnlyList<RowChange> changes, CancellationToken cancellationToken);
}
