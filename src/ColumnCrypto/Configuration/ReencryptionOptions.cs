namespace ColumnCrypto.Configuration;

/// <summary>
/// The background re-encryption that moves values onto the newest data key (<c>reencryption:</c>). Used by the
/// EF Core package's <c>AddReencryption&lt;TContext&gt;()</c> and by operator tools; it does nothing unless one of them
/// is used.
/// </summary>
public sealed class ReencryptionOptions
{
    /// <summary>The default number of rows per batch.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>The largest allowed batch.</summary>
    public const int MaxBatchSize = 100_000;

    /// <summary>The most workers one process may run.</summary>
    public const int MaxWorkers = 64;

    /// <summary>
    /// Rows read, re-encrypted and written per batch, each batch in one transaction (<c>reencryption.batchSize</c>).
    /// Smaller batches hold row locks for less time. Default 500.
    /// </summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Minutes between two runs of the background service (<c>reencryption.interval</c>). Default 60.</summary>
    public int Interval { get; set; } = 60;

    /// <summary>
    /// Milliseconds to wait after each batch, to leave the database to the application's own work
    /// (<c>reencryption.pauseBetweenBatches</c>). 0 runs batches back to back. Default 20.
    /// </summary>
    public int PauseBetweenBatches { get; set; } = 20;

    /// <summary>
    /// Parallel workers in this process (<c>reencryption.workers</c>). On PostgreSQL workers (and instances) share the
    /// work through <c>FOR UPDATE SKIP LOCKED</c>; SQLite always uses one. Default 1.
    /// </summary>
    public int Workers { get; set; } = 1;

    /// <summary>
    /// Checks these settings with the same rules the configuration is checked with (for options built in code and
    /// passed straight to a re-encryptor).
    /// </summary>
    /// <exception cref="ColumnCryptoConfigurationException">A setting is out of range; the message names it and its range.</exception>
    public void Validate()
    {
        var problem = ColumnCryptoOptionsRules.Check(new ColumnCryptoOptions { Reencryption = this }, SettingSchema.For([]))
            .FirstOrDefault(p => p.Setting?.StartsWith("reencryption.", StringComparison.Ordinal) == true);
        if (problem is not null)
        {
            throw new ColumnCryptoConfigurationException(problem.Message, null, null, problem.Setting);
        }
    }
}
