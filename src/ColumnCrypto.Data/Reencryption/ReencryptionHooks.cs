namespace ColumnCrypto.Data.Reencryption;

/// <summary>A point in a batch where tests can inject a crash, a delay or a concurrent write.</summary>
internal enum ReencryptionStep
{
    /// <summary>The batch's rows were read (and, on PostgreSQL, locked); nothing is re-encrypted yet.</summary>
    BatchRead,

    /// <summary>The new values were written in the batch's transaction, which is not committed yet.</summary>
    BeforeCommit,

    /// <summary>The batch's transaction was committed.</summary>
    AfterCommit,
}

/// <summary>One batch as the hooks see it.</summary>
internal sealed record ReencryptionBatch(string Table, string Worker, IReadOnlyList<object[]> Keys);

/// <summary>Test hooks of a <see cref="ColumnReencryptor"/>: called at each <see cref="ReencryptionStep"/> of every batch.</summary>
internal sealed class ReencryptionHooks
{
    public Func<ReencryptionStep, ReencryptionBatch, CancellationToken, Task>? OnStep { get; set; }

    public Task StepAsync(ReencryptionStep step, Func<ReencryptionBatch> batch, CancellationToken cancellationToken) =>
        OnStep is { } hook ? hook(step, batch(), cancellationToken) : Task.CompletedTask;
}
