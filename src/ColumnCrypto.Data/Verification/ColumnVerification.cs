namespace ColumnCrypto.Data.Verification;

/// <summary>What verification found in one column.</summary>
/// <param name="table">The table, schema-qualified.</param>
/// <param name="column">The column.</param>
public sealed class ColumnVerification(string table, string column)
{
    /// <summary>The table, schema-qualified.</summary>
    public string Table { get; } = table;

    /// <summary>The column.</summary>
    public string Column { get; } = column;

    /// <summary>Non-null values checked.</summary>
    public long Checked { get; internal set; }

    /// <summary>Values without a ColumnCrypto header in a column being migrated from plaintext.</summary>
    public long Plaintext { get; internal set; }

    /// <summary>Values that do not decrypt (or decode as the column's type).</summary>
    public long FailedCount { get; internal set; }

    /// <summary>The column holding the blind index when the column is searchable, else null.</summary>
    public string? IndexColumn { get; internal init; }

    /// <summary>Rows whose blind index was checked: those with a value that decrypts (or legacy plaintext), and those with an index but no value.</summary>
    public long IndexesChecked { get; internal set; }

    /// <summary>Rows whose blind index is wrong (see <see cref="VerificationProblem"/>): lookups miss them or find them wrongly.</summary>
    public long IndexFailedCount { get; internal set; }

    /// <summary>
    /// Rows of a column whose index is still being built (status building) that have no index yet, or one under the
    /// previous normalization: what <c>BlindIndexBuilder.RunAsync</c> will do (lookups are refused meanwhile), so not problems.
    /// </summary>
    public long IndexPending { get; internal set; }

    /// <summary>Why the blind indexes of this searchable column were not checked (no index key available); null when they were, or the column is not searchable.</summary>
    public string? IndexesNotVerified { get; internal set; }

    /// <summary>The first problems (values that do not decrypt, and wrong indexes), with their rows, in row order.</summary>
    public IList<ValueFailure> Failures { get; } = [];
}

/// <summary>
/// One problem in one row: where it is, which data key the value's header names, and why. Neither the value nor the
/// index is ever included.
/// </summary>
/// <param name="Table">The table, schema-qualified.</param>
/// <param name="Column">The encrypted column.</param>
/// <param name="KeyVersion">The data key version in the value's header, when it has one.</param>
/// <param name="Row">The row's primary key, as <c>column=value, ...</c>.</param>
/// <param name="Reason">What is wrong, and what to do.</param>
public sealed record ValueFailure(string Table, string Column, int? KeyVersion, string Row, string Reason)
{
    /// <summary>What kind of problem it is; <see cref="VerificationProblem.ValueDoesNotDecrypt"/> for a value.</summary>
    public VerificationProblem Problem { get; init; } = VerificationProblem.ValueDoesNotDecrypt;

    /// <summary>The index key version in the stored blind index's header, for an index problem where there is one.</summary>
    public int? IndexKeyVersion { get; init; }
}

/// <summary>The kinds of problem verification reports.</summary>
public enum VerificationProblem
{
    /// <summary>The value does not decrypt, or not to the column's type, or is plaintext where none is allowed.</summary>
    ValueDoesNotDecrypt = 0,

    /// <summary>A searchable column's index is NULL while the value is not: lookups do not find the row.</summary>
    IndexMissing = 1,

    /// <summary>The index is not the value's blind index (written around the application, or not a blind index at all).</summary>
    IndexMismatch = 2,

    /// <summary>The index is under an index key version that is not active (unknown or retired): lookups do not match it.</summary>
    IndexKeyVersionNotActive = 3,

    /// <summary>The index is present while the value is NULL: lookups may find the row for a value it does not hold.</summary>
    IndexWithoutValue = 4,
}
