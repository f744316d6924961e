using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using ColumnCrypto.Data.Plaintext;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Envelope;
using ColumnCrypto.Search;
using ColumnCrypto.Values;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Data.BlindIndexes;

/// <summary>
/// Builds the blind indexes of one table, a batch at a time in primary key order: reads candidate rows (on PostgreSQL
/// locking them with <c>FOR NO KEY UPDATE SKIP LOCKED</c>, so other workers and instances take other rows), decrypts
/// each value and computes its index under the target key, and writes each index in the batch's transaction only
/// where the value is still the one that was read, so a concurrent application write (which sets its own index) wins.
/// A unique violation (a value indexed under the old key equal to one already under the new key) rolls the batch
/// back; the batch is then written row by row and each such row is reported as a duplicate and left as it was.
/// </summary>
internal sealed class BlindIndexWorker(
    ColumnCryptoDatabase database, BlindIndexTablePlan plan, int target, ColumnEncryptor encryptor, BlindIndex index,
    int batchSize, ReencryptionHooks hooks, ILogger logger)
{
    // Later passes pick up rows another worker held (skipped while locked) or the application wrote meanwhile.
    private const int MaxPasses = 3;

    public long[] Indexed { get; } = new long[plan.Columns.Count];

    public long[] Changed { get; } = new long[plan.Columns.Count];

    public long[] Failed { get; } = new long[plan.Columns.Count];

    public List<BlindIndexDuplicate> Duplicates { get; } = [];

    private readonly HashSet<(string Row, int Column)> _failures = [];

    /// <summary>A change of one row's index in one column: what was read and the new index.</summary>
    private sealed record Change(object[] Key, BlindIndexColumnPlan Column, object? Value, byte[]? Index);

    public async Task RunAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            long written = 0;
            object[]? cursor = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (read, writes, last) = await BatchAsync(connection, cursor, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                written += writes;
                cursor = last;
                progress?.Report(Indexed.Sum());
            }

            if (written == 0)
            {
                return;
            }
        }
    }

    private async Task<(int Read, long Written, object[]? Last)> BatchAsync(DbConnection connection, object[]? cursor, CancellationToken cancellationToken)
    {
        List<Change> changes;
        object[]? last;
        DbTransaction? transaction = plan.Dialect.LocksRowsOnRead ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        try
        {
            (changes, last, var read) = await ReadAsync(connection, transaction, cursor, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return (0, 0, null);
            }

            ReencryptionBatch Batch() => new(plan.Name, "index", [.. changes.Select(c => c.Key)]);
            await hooks.StepAsync(ReencryptionStep.BatchRead, Batch, cancellationToken).ConfigureAwait(false);
            transaction ??= await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            bool[] written;
            try
            {
                written = await WriteAsync(connection, transaction, changes, cancellationToken).ConfigureAwait(false);
                await hooks.StepAsync(ReencryptionStep.BeforeCommit, Batch, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbException e) when (plan.Dialect.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                written = await WriteOneByOneAsync(connection, changes, cancellationToken).ConfigureAwait(false);
            }

            await hooks.StepAsync(ReencryptionStep.AfterCommit, Batch, cancellationToken).ConfigureAwait(false);
            Count(changes, written);
            return (read, written.Count(w => w), last);
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<(List<Change> Changes, object[]? Last, int Read)> ReadAsync(DbConnection connection, DbTransaction? transaction, object[]? cursor, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, plan.BatchQuery(fromStart: cursor is null, batchSize), transaction);
        plan.AddBatchParameters(command, target, cursor);
        var keys = plan.KeyColumns.Count;
        var changes = new List<Change>();
        object[]? last = null;
        var read = 0;
        var headers = plan.Columns.Select(c => BlindIndexLayout.Header(target, c.Searchable.Normalization)).ToArray();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            read++;
            var key = new object[keys];
            for (var k = 0; k < keys; k++)
            {
                key[k] = reader.GetValue(k);
            }

            last = key;
            foreach (var column in plan.Columns)
            {
                var value = reader.Value(keys + 2 * column.Index);
                var stored = reader.Value(keys + 2 * column.Index + 1) as byte[];
                var current = stored is not null && stored.AsSpan().StartsWith(headers[column.Index]);
                if ((value is null && stored is null) || (value is not null && current))
                {
                    continue;
                }

                if (value is null)
                {
                    changes.Add(new Change(key, column, null, null));
                }
                else if (Compute(column, key, value) is { } indexValue)
                {
                    changes.Add(new Change(key, column, value, indexValue));
                }
            }
        }

        return (changes, last, read);
    }

    /// <summary>The value's index under the target key; null (and the failure recorded) when it does not decrypt or read.</summary>
    private byte[]? Compute(BlindIndexColumnPlan column, object[] key, object stored)
    {
        var registration = column.Registration;
        byte[]? encoded = null;
        try
        {
            var bytes = stored switch
            {
                byte[] b => b,
                string text when registration.Storage == EncryptedStorage.Base64Text =>
                    StoredValue.Classify(text, out _, out var decoded) == StoredValueKind.Plaintext ? null : decoded,
                _ => null,
            };
            var plaintext = bytes is null || StoredValue.Classify(bytes, out _) == StoredValueKind.Plaintext;
            encoded = !plaintext
                ? encryptor.Decrypt<byte[]>(column.Identity, bytes!)
                : registration.PlaintextAllowed
                    ? LegacyPlaintext.ToEncoded(registration.ValueType, stored)
                    : throw new FormatException(ReencryptionErrors.PlaintextNotAllowed(bytes?.Length ?? ((string)stored).Length));
            return index.ComputeEncoded(column.Searchable, encoded!, target, EncryptedValueType.FromName(registration.ValueType));
        }
        catch (Exception e) when (e is ColumnDecryptionException or FormatException or CryptographicException or InvalidCastException)
        {
            var row = FormatKey(key);
            if (_failures.Add((row, column.Index)))
            {
                Failed[column.Index]++;
                BlindIndexLog.ValueFailed(logger, plan.Name, registration.Column, row, e.Message);
            }

            return null;
        }
        finally
        {
            if (encoded is not null)
            {
                CryptographicOperations.ZeroMemory(encoded);
            }
        }
    }

    private async Task<bool[]> WriteAsync(DbConnection connection, DbTransaction? transaction, List<Change> changes, CancellationToken cancellationToken)
    {
        var written = new bool[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            written[i] = await WriteOneAsync(connection, transaction, changes[i], cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>After a unique violation: each change on its own, the duplicates reported and left as they are.</summary>
    private async Task<bool[]> WriteOneByOneAsync(DbConnection connection, List<Change> changes, CancellationToken cancellationToken)
    {
        var written = new bool[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            try
            {
                written[i] = await WriteOneAsync(connection, null, changes[i], cancellationToken).ConfigureAwait(false);
            }
            catch (DbException e) when (plan.Dialect.IsUniqueViolation(e))
            {
                await ReportDuplicateAsync(connection, changes[i], cancellationToken).ConfigureAwait(false);
            }
        }

        return written;
    }

    private async Task<bool> WriteOneAsync(DbConnection connection, DbTransaction? transaction, Change change, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, plan.UpdateStatement(change.Column, change.Value is null), transaction);
        command.Add("@new", change.Index);
        if (change.Value is not null)
        {
            command.Add("@old", change.Value);
        }

        for (var k = 0; k < change.Key.Length; k++)
        {
            command.Add(string.Create(CultureInfo.InvariantCulture, $"@k{k}"), change.Key[k]);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task ReportDuplicateAsync(DbConnection connection, Change change, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, plan.HolderQuery(change.Column));
        command.Add("@index", change.Index);
        string other;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            other = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? FormatKey([.. Enumerable.Range(0, plan.KeyColumns.Count).Select(reader.GetValue)])
                : "(no longer there)";
        }

        var row = FormatKey(change.Key);
        Duplicates.Add(new BlindIndexDuplicate(plan.Name, change.Column.Registration.Column, row, other));
        BlindIndexLog.Duplicate(logger, plan.Name, change.Column.Registration.Column, row, other);
    }

    private void Count(List<Change> changes, bool[] written)
    {
        for (var i = 0; i < changes.Count; i++)
        {
            if (written[i])
            {
                Indexed[changes[i].Column.Index]++;
            }
            else if (!Duplicates.Any(d => d.Row == FormatKey(changes[i].Key) && d.Column == changes[i].Column.Registration.Column))
            {
                Changed[changes[i].Column.Index]++;
            }
        }
    }

    private string FormatKey(object[] key) =>
        string.Join(", ", plan.KeyColumns.Select((k, i) => $"{k}={Convert.ToString(key[i], CultureInfo.InvariantCulture)}"));
}
