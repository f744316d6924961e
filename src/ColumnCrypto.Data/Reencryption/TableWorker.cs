using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using Configuration = ColumnCrypto.Configuration;
using ColumnCrypto.Envelope;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Data.Plaintext;
using ColumnCrypto.Search;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// One worker on one table. It walks the table in primary key order, a batch at a time: reads the rows whose values
/// are not on the target key (on PostgreSQL locking them with <c>FOR NO KEY UPDATE SKIP LOCKED</c>, so other workers take other
/// rows), re-encrypts them in memory (each new value verified by decrypting it; encrypted plaintext of a searchable column
/// with its blind index), writes them conditionally in the
/// batch's transaction and commits. Rows done are no longer candidates, so a crashed or cancelled run is resumed by
/// running again; a value is always fully decrypted before it is sealed again, so it never gets a second header.
/// </summary>
internal sealed class TableWorker(
    ColumnCryptoDatabase database,
    TableRun run,
    ColumnEncryptor encryptor,
    BlindIndex blindIndex,
    Configuration.ReencryptionOptions options,
    ProgressStore progress,
    ReencryptionHooks hooks,
    TimeProvider time,
    string name)
{
    // Another pass picks up rows skipped while another worker held them, or written meanwhile under an older key by an
    // instance that had not seen the rollover yet. A pass that writes nothing ends the table.
    private const int MaxPasses = 5;

    // Below this many rows a batch is re-encrypted on the worker's own thread.
    private const int ParallelBatchSize = 64;

    private readonly TablePlan _plan = run.Plan;
    private readonly IBatchWriter _writer = run.Plan.Dialect.CreateWriter();

    /// <summary>
    /// Runs passes until one writes nothing. The first pass starts after <paramref name="start"/> (workers of one
    /// process start at different points of the key range, so they do not queue behind each other's locked rows);
    /// later passes start from the beginning and pick up whatever is left.
    /// </summary>
    public async Task RunAsync(object[]? start, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            if (await PassAsync(connection, pass == 0 ? start : null, cancellationToken).ConfigureAwait(false) == 0 && (pass > 0 || start is null))
            {
                return;
            }
        }
    }

    private async Task<long> PassAsync(DbConnection connection, object[]? start, CancellationToken cancellationToken)
    {
        var cursor = start;
        long written = 0;
        var pending = new PendingProgress(_plan.Columns.Count, time);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (read, rows, last) = await BatchAsync(connection, cursor, pending, cancellationToken).ConfigureAwait(false);
            if (read == 0 || pending.Due)
            {
                // The progress row gets this worker's counts about once a second and at the end of the pass; what a
                // crash loses here, the next run's fresh count restores.
                await pending.FlushAsync(progress, connection, _plan, run.RowsPerSecond, name, cancellationToken).ConfigureAwait(false);
            }

            if (read == 0)
            {
                return written;
            }

            written += rows;
            cursor = last;
            run.MaybeLogProgress();
            if (options.PauseBetweenBatches > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.PauseBetweenBatches), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(int Read, long Rows, object[]? Last)> BatchAsync(DbConnection connection, object[]? cursor, PendingProgress pending, CancellationToken cancellationToken)
    {
        using var activity = ReencryptionActivitySource.StartBatch(_plan, run.TargetVersion, name);
        var started = time.GetTimestamp();
        DbTransaction? transaction = null;
        try
        {
            if (_plan.Dialect.LocksRowsOnRead)
            {
                transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            }

            var rows = await ReadAsync(connection, transaction, cursor, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(ReencryptionActivitySource.RowsReadTag, rows.Count);
            if (rows.Count == 0)
            {
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return (0, 0, null);
            }

            ReencryptionBatch Batch() => new(_plan.Name, name, [.. rows.Select(r => r.Key)]);
            await hooks.StepAsync(ReencryptionStep.BatchRead, Batch, cancellationToken).ConfigureAwait(false);

            var (changes, failed) = Prepare(rows);
            transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var written = changes.Count == 0
                ? []
                : await _writer.WriteAsync(connection, transaction, _plan, changes, cancellationToken).ConfigureAwait(false);
            await hooks.StepAsync(ReencryptionStep.BeforeCommit, Batch, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

            var last = rows[^1].Key;
            var (done, rowCount) = run.Record(changes, written, last);
            await hooks.StepAsync(ReencryptionStep.AfterCommit, Batch, cancellationToken).ConfigureAwait(false);

            pending.Add(done, failed, last);
            activity?.SetTag(ReencryptionActivitySource.RowsWrittenTag, rowCount);
            run.Metrics.BatchFinished(_plan.Name, time.GetElapsedTime(started));
            return (rows.Count, rowCount, last);
        }
        catch (Exception e)
        {
            // Error status with the message, which names table, column and row but never a value or key.
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.SetTag("error.type", e.GetType().FullName);
            throw;
        }
        finally
        {
            if (transaction is not null)
            {
                // Not committed (an error or a cancellation): rolled back, so the batch's rows stay as they were.
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<List<BatchRow>> ReadAsync(DbConnection connection, DbTransaction? transaction, object[]? cursor, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, _plan.BatchQuery(fromStart: cursor is null, options.BatchSize), transaction);
        _plan.AddBatchParameters(command, run.TargetVersion, cursor);

        // Prepared once per connection and reused by every batch (PostgreSQL would otherwise plan each one again).
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var keys = _plan.KeyColumns.Count;
        var rows = new List<BatchRow>(options.BatchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = new object[keys];
            for (var k = 0; k < keys; k++)
            {
                key[k] = reader.GetValue(k);
            }

            var values = new object?[_plan.Columns.Count];
            for (var c = 0; c < values.Length; c++)
            {
                values[c] = reader.Value(keys + c);
            }

            rows.Add(new BatchRow(key, values));
        }

        return rows;
    }

    /// <summary>
    /// Re-encrypts a batch in memory, on all cores for large batches (the database waits meanwhile, and the encryptor is
    /// thread-safe); values that cannot be re-encrypted are recorded and left as they are.
    /// </summary>
    private (List<RowChange> Changes, long[] Failed) Prepare(List<BatchRow> rows)
    {
        var prepared = new RowChange?[rows.Count];
        var failed = new long[_plan.Columns.Count];
        if (rows.Count >= ParallelBatchSize && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, rows.Count, i => prepared[i] = PrepareRow(rows[i], failed));
        }
        else
        {
            for (var i = 0; i < rows.Count; i++)
            {
                prepared[i] = PrepareRow(rows[i], failed);
            }
        }

        return ([.. prepared.OfType<RowChange>()], failed);
    }

    private RowChange? PrepareRow(BatchRow row, long[] failed)
    {
        var columns = _plan.Columns.Count;
        var old = new object?[columns];
        var replacement = new object?[columns];
        var kinds = new ValueChange[columns];
        var indexes = new byte[]?[columns];
        foreach (var column in _plan.Columns)
        {
            if (row.Values[column.Index] is not { } stored)
            {
                continue;
            }

            string? failure;
            try
            {
                (replacement[column.Index], kinds[column.Index], failure) = Transform(column, stored, out indexes[column.Index]);
            }
            catch (Exception e) when (e is ColumnDecryptionException or FormatException or CryptographicException or InvalidCastException)
            {
                failure = e.Message;
            }

            if (failure is not null)
            {
                if (run.RecordFailure(column.Index, row.Key, failure))
                {
                    Interlocked.Increment(ref failed[column.Index]);
                }
            }
            else if (replacement[column.Index] is not null)
            {
                old[column.Index] = stored;
            }
        }

        return kinds.Any(k => k != ValueChange.None) ? new RowChange(row.Key, old, replacement, kinds, indexes) : null;
    }

    /// <summary>
    /// The new stored value, or null when the value is already on the target key (or newer), or why it cannot be
    /// re-encrypted; <paramref name="index"/> is the new blind index when plaintext of a searchable column is encrypted.
    /// </summary>
    private (object? New, ValueChange Change, string? Failure) Transform(ColumnPlan column, object stored, out byte[]? index)
    {
        index = null;
        var registration = column.Registration;
        if (column.Storage == EncryptedStorage.Binary)
        {
            var bytes = (byte[])stored;
            return StoredValue.Classify(bytes, out var version) switch
            {
                StoredValueKind.Ciphertext when version >= run.TargetVersion => (null, ValueChange.None, null),
                StoredValueKind.Ciphertext => (encryptor.Reencrypt(column.Identity, bytes), ValueChange.Reencrypted, null),
                StoredValueKind.Damaged => (null, ValueChange.None, ReencryptionErrors.Damaged),
                _ when !registration.PlaintextAllowed => (null, ValueChange.None, ReencryptionErrors.PlaintextNotAllowed(bytes.Length)),
                _ => Plaintext(column, bytes, static b => b, out index),
            };
        }

        var text = (string)stored;
        return StoredValue.Classify(text, out var textVersion, out var decoded) switch
        {
            StoredValueKind.Ciphertext when textVersion >= run.TargetVersion => (null, ValueChange.None, null),
            StoredValueKind.Ciphertext => (Convert.ToBase64String(encryptor.Reencrypt(column.Identity, decoded!)), ValueChange.Reencrypted, null),
            StoredValueKind.Damaged => (null, ValueChange.None, ReencryptionErrors.Damaged),
            _ when !registration.PlaintextAllowed => (null, ValueChange.None, ReencryptionErrors.PlaintextNotAllowed(text.Length)),
            _ => Plaintext(column, text, Convert.ToBase64String, out index),
        };
    }

    /// <summary>Encrypts a legacy plaintext value and, in a searchable column, computes its blind index for the same UPDATE.</summary>
    private (object? New, ValueChange Change, string? Failure) Plaintext(ColumnPlan column, object stored, Func<byte[], object> toStored, out byte[]? index)
    {
        index = null;
        byte[] encoded;
        try
        {
            encoded = LegacyPlaintext.ToEncoded(column.Registration.ValueType, stored);
        }
        catch (FormatException e)
        {
            return (null, ValueChange.None, ReencryptionErrors.PlaintextUnreadable(column.Registration.ValueType, e.Message));
        }

        try
        {
            if (column.Searchable is { } searchable)
            {
                try
                {
                    index = blindIndex.ComputeEncoded(searchable, encoded, type: column.ValueType);
                }
                catch (ColumnCryptoKeyException e)
                {
                    return (null, ValueChange.None, ReencryptionErrors.IndexUnavailable(e.Message));
                }
            }

            return (toStored(encryptor.EncryptEncoded(column.Identity, encoded)), ValueChange.EncryptedPlaintext, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }
}
