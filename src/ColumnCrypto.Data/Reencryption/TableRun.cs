using Microsoft.Extensions.Logging;
using ColumnCrypto.Keys.Lifecycle;

namespace ColumnCrypto.Data.Reencryption;

/// <summary>
/// The state one run shares between the workers of one table: counters per column, the failures already reported,
/// and the progress shown in logs and metrics.
/// </summary>
internal sealed class TableRun
{
    private const int MaxLoggedFailuresPerColumn = 20;
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(5);

    private readonly long[] _reencrypted;
    private readonly long[] _encrypted;
    private readonly long[] _changed;
    private readonly long[] _failed;
    private readonly long[] _doneAtStart;
    private readonly long[] _totalAtStart;
    private readonly HashSet<(string Key, int Column)> _failures = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ReencryptionMetrics _metrics;
    private readonly long _started;
    private long _rowsWritten;
    private long _lastProgressLog;
    private string? _lastKey;

    public TableRun(TablePlan plan, int targetVersion, IReadOnlyList<ColumnKeyCoverage> coverage, TimeProvider time, ILogger logger, ReencryptionMetrics metrics)
    {
        Plan = plan;
        TargetVersion = targetVersion;
        var n = plan.Columns.Count;
        _reencrypted = new long[n];
        _encrypted = new long[n];
        _changed = new long[n];
        _failed = new long[n];
        _doneAtStart = [.. coverage.Select(c => c.AtOrAbove(targetVersion))];
        _totalAtStart = [.. coverage.Select(c => c.Total)];
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _started = time.GetTimestamp();
        _lastProgressLog = _started;
    }

    public TablePlan Plan { get; }

    /// <summary>The run's re-encryption instruments.</summary>
    public ReencryptionMetrics Metrics => _metrics;

    public int TargetVersion { get; }

    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsWritten / Elapsed.TotalSeconds : 0;

    /// <summary>The primary key of the last row of the latest committed batch (of any worker), or null before the first.</summary>
    public string? LastKey => Volatile.Read(ref _lastKey);

    /// <summary>Values on the target key now, over all columns: those at the start plus those this run moved.</summary>
    public long DoneNow => Enumerable.Range(0, Plan.Columns.Count).Sum(Done);

    /// <summary>Values when the run started, over all columns.</summary>
    public long TotalAtStart => _totalAtStart.Sum();

    /// <summary>Values still to do at the start, over all columns.</summary>
    public long RemainingAtStart => _totalAtStart.Sum() - _doneAtStart.Sum();

    /// <summary>
    /// Counts a committed batch: per change and column, whether the new value was written; <paramref name="lastKey"/>
    /// is the batch's last row, where the worker goes on.
    /// </summary>
    public (long[] DoneDelta, long Rows) Record(IReadOnlyList<RowChange> changes, bool[][] written, object[] lastKey)
    {
        Volatile.Write(ref _lastKey, TablePlan.FormatKey(lastKey));
        var done = new long[Plan.Columns.Count];
        long rows = 0;
        for (var r = 0; r < changes.Count; r++)
        {
            var any = false;
            for (var c = 0; c < Plan.Columns.Count; c++)
            {
                var change = changes[r].Changes[c];
                if (change == ValueChange.None)
                {
                    continue;
                }

                if (!written[r][c])
                {
                    Interlocked.Increment(ref _changed[c]);
                    _metrics.Count(Plan.Name, Plan.Columns[c].Name, "changed_meanwhile", 1);
                    continue;
                }

                any = true;
                done[c]++;
                if (change == ValueChange.Reencrypted)
                {
                    Interlocked.Increment(ref _reencrypted[c]);
                }
                else
                {
                    Interlocked.Increment(ref _encrypted[c]);
                }

                _metrics.Count(Plan.Name, Plan.Columns[c].Name, change == ValueChange.Reencrypted ? "reencrypted" : "encrypted_plaintext", 1);
            }

            rows += any ? 1 : 0;
        }

        Interlocked.Add(ref _rowsWritten, rows);
        _metrics.RowsWritten(Plan.Name, rows);
        for (var c = 0; c < Plan.Columns.Count; c++)
        {
            _metrics.SetRemaining(Plan.Name, Plan.Columns[c].Name, Math.Max(0, _totalAtStart[c] - Done(c)));
        }

        return (done, rows);
    }

    /// <summary>Records a value that cannot be re-encrypted; returns false when this run already counted it.</summary>
    public bool RecordFailure(int column, object[] key, string reason)
    {
        var formatted = TablePlan.FormatKey(key);
        lock (_lock)
        {
            if (!_failures.Add((formatted, column)))
            {
                return false;
            }
        }

        var count = Interlocked.Increment(ref _failed[column]);
        _metrics.Count(Plan.Name, Plan.Columns[column].Name, "failed", 1);
        if (count <= MaxLoggedFailuresPerColumn)
        {
            ReencryptionLog.ValueFailed(_logger, Plan.Name, Plan.Columns[column].Name, formatted, reason);
        }
        else if (count == MaxLoggedFailuresPerColumn + 1)
        {
            ReencryptionLog.FailuresTruncated(_logger, Plan.Name, Plan.Columns[column].Name);
        }

        return true;
    }

    /// <summary>Logs the table's progress, at most every few seconds whatever the number of workers.</summary>
    public void MaybeLogProgress()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastProgressLog);
        if (_time.GetElapsedTime(last, now) < ProgressLogInterval || Interlocked.CompareExchange(ref _lastProgressLog, now, last) != last)
        {
            return;
        }

        LogProgress();
    }

    public void LogProgress()
    {
        var total = TotalAtStart;
        var done = DoneNow;
        var rate = RowsPerSecond;
        var remaining = Math.Max(0, total - done);
        var valuesPerRow = RowsWritten > 0 ? (double)(done - _doneAtStart.Sum()) / RowsWritten : 1;
        var eta = rate > 0 && valuesPerRow > 0 ? TimeSpan.FromSeconds(Math.Round(remaining / (rate * valuesPerRow))).ToString("c", System.Globalization.CultureInfo.InvariantCulture) : "unknown";
        ReencryptionLog.Progress(_logger, Plan.Name, done, total, TargetVersion, total == 0 ? 100 : 100.0 * done / total, rate, eta);
    }

    /// <summary>Values of column <paramref name="c"/> on the target key: those at the start plus those this run moved.</summary>
    public long Done(int c) => _doneAtStart[c] + Interlocked.Read(ref _reencrypted[c]) + Interlocked.Read(ref _encrypted[c]);

    public long Failed(int c) => Interlocked.Read(ref _failed[c]);

    public ColumnReencryptionResult Result(int c, ColumnKeyCoverage after) => new(
        Plan.Schema, Plan.Table, Plan.Columns[c].Name,
        Interlocked.Read(ref _reencrypted[c]), Interlocked.Read(ref _encrypted[c]), Interlocked.Read(ref _changed[c]), Failed(c),
        after.Total - after.AtOrAbove(TargetVersion), after.Total);
}
