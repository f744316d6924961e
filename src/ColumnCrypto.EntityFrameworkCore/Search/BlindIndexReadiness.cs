using System.Data.Common;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Search;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.EntityFrameworkCore.Search;

/// <summary>
/// Whether lookups on one searchable column may run: the registry must record its blind index with this model's index
/// column and normalization, and as ready (every row indexed). Otherwise a lookup would silently miss the rows not yet
/// indexed, or indexed under another normalization, so it throws and names the command that builds the index. A ready
/// index is trusted for half a minute before the registry is read again (a normalization change elsewhere is then
/// noticed); a refusal is never cached, so lookups work as soon as a build completes.
/// </summary>
internal sealed class BlindIndexReadiness(string? schema, string table, string column, string indexColumn, BlindIndexNormalization normalization)
{
    private const long TrustReadyMilliseconds = 30_000;
    private const string Command = "BlindIndexBuilder.RunAsync() (package ColumnCrypto.Data) or 'columncrypto index build'";

    private long _readyUntil;

    private string Name => string.IsNullOrEmpty(schema) ? $"{table}.{column}" : $"{schema}.{table}.{column}";

    /// <summary>Throws <see cref="InvalidOperationException"/> saying why and what to run, unless lookups may run.</summary>
    public void Ensure(DbContext context)
    {
        if (Environment.TickCount64 < Volatile.Read(ref _readyUntil))
        {
            return;
        }

        if (Refusal(context) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }

        Volatile.Write(ref _readyUntil, Environment.TickCount64 + TrustReadyMilliseconds);
    }

    private string? Refusal(DbContext context)
    {
        IReadOnlyList<EncryptedColumnRegistration> recorded;
        try
        {
            // The rare path (until the index is ready, then twice a minute), and value converters and query parameters
            // are synchronous: the registry is read synchronously here.
            recorded = new EncryptedColumnRegistry(context.GetColumnCryptoDatabase()).GetColumnsAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or NotSupportedException)
        {
            return $"A lookup on the searchable column {Name} was refused: the encrypted-column registry cannot be read to check that its blind index is complete ({e.Message}).";
        }

        var row = recorded.FirstOrDefault(c => (c.Schema ?? string.Empty) == (schema ?? string.Empty) && c.Table == table && c.Column == column);
        if (row?.BlindIndex is not { } index)
        {
            return $"A lookup on the searchable column {Name} was refused: the registry does not record its blind index yet, so ColumnCrypto cannot tell whether every row is indexed. " +
                $"The application records its columns at start-up (UseDbContextKeyStore<TContext>() or RecordEncryptedColumnsAsync()); then {Command} indexes the rows.";
        }

        if (index.IndexColumn != indexColumn || index.Normalization != normalization)
        {
            return $"A lookup on the searchable column {Name} was refused: its blind index is recorded with index column {index.IndexColumn} and normalization {index.Normalization}, " +
                $"but this application's model uses {indexColumn} and {normalization}, so the stored indexes would not match. Changing either needs a rebuild: " +
                $"record the new model (start the application), then run {Command}; every instance must use the same model.";
        }

        return index.Status == BlindIndexStatus.Ready
            ? null
            : $"A lookup on the searchable column {Name} was refused: its blind index is still being built (the column became searchable, or its normalization changed), " +
              $"and the lookup would silently miss the rows not indexed yet. Run {Command} to index every row.";
    }
}
