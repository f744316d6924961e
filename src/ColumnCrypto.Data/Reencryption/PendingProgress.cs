using System.Data.Common;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>A worker's counts not yet added to the progress table; flushed about once a second.</summary>
internal sealed class PendingProgress(int columns, TimeProvider time)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly long[] _done = new long[columns];
    private readonly long[] _failed = new long[columns];
    private long _lastFlush = time.GetTimestamp();
    private object[]? _lastKey;

    /// <summary>Whether a second has passed since the last flush.</summary>
    public bool Due => time.GetElapsedTime(_lastFlush) >= FlushInterval;

    public void Add(long[] done, long[] failed, object[] lastKey)
    {
        for (var c = 0; c < _done.Length; c++)
        {
            _done[c] += done[c];
            _failed[c] += failed[c];
        }

        _lastKey = lastKey;
    }

    public async Task FlushAsync(ProgressStore progress, DbConnection connection, TablePlan plan, double rowsPerSecond, string worker, CancellationToken cancellationToken)
    {
        _lastFlush = time.GetTimestamp();
        if (_lastKey is null)
        {
            return;
        }

        await progress.AddBatchAsync(connection, plan, _done, _failed, TablePlan.FormatKey(_lastKey), rowsPerSecond, worker, cancellationToken).ConfigureAwait(false);
        Array.Clear(_done);
        Array.Clear(_failed);
        _lastKey = null;
    }
}
