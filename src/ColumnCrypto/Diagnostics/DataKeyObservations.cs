namespace ColumnCrypto.Diagnostics;

/// <summary>
/// What this process last saw of its data keys, recorded by the calls it makes anyway (key-table reads, unwraps,
/// rollovers): for health checks and status pages, which read it without calling the database or KMS. Resolve it from
/// the service provider (<c>services.GetRequiredService&lt;DataKeyObservations&gt;()</c>); the package
/// <c>ColumnCrypto.HealthChecks</c> turns it into a health check. Exceptions here are ColumnCrypto's, whose messages
/// never hold key material or secrets.
/// </summary>
public sealed class DataKeyObservations
{
    private readonly TimeProvider _time;
    private volatile Snapshot _state = new(null, null, 0, null, null, null, null, null);

    internal DataKeyObservations(TimeProvider time) => _time = time;

    /// <summary>The version of the newest active key this process holds, or null before the first successful read of the key table.</summary>
    public int? NewestVersion => _state.NewestVersion;

    /// <summary>
    /// When the schedule replaces the newest key (its creation time plus the current <c>schedule.dataKeyRollOverLength</c>).
    /// Still in the past after a rollover check means rollovers are failing, or automatic key creation is off.
    /// </summary>
    public DateTimeOffset? NewestRollOverAt => _state.NewestRollOverAt;

    /// <summary>Active keys this process holds (unwrapped, verified).</summary>
    public int ActiveKeys => _state.ActiveKeys;

    /// <summary>When the key table was last read, verified and unwrapped successfully; null before that.</summary>
    public DateTimeOffset? LastLoadedAt => _state.LoadedAt;

    /// <summary>
    /// Why the latest read of the key table failed (database unreachable, a key that does not unwrap, KMS unreachable
    /// or refusing, a failed integrity check: <see cref="ColumnCryptoKeyRingException"/>); null when it succeeded. The
    /// keys verified before stay in use meanwhile (<see cref="NewestVersion"/>).
    /// </summary>
    public Exception? LoadFailure => _state.LoadFailure;

    /// <summary>When <see cref="LoadFailure"/> happened.</summary>
    public DateTimeOffset? LoadFailedAt => _state.LoadFailedAt;

    /// <summary>Why the latest rollover check or key creation failed (KMS or database unreachable, say); null when it succeeded.</summary>
    public Exception? RolloverFailure => _state.RolloverFailure;

    /// <summary>When <see cref="RolloverFailure"/> happened.</summary>
    public DateTimeOffset? RolloverFailedAt => _state.RolloverFailedAt;

    internal void Loaded(int? newestVersion, DateTimeOffset? newestRollOverAt, int activeKeys) =>
        _state = _state with { NewestVersion = newestVersion, NewestRollOverAt = newestRollOverAt, ActiveKeys = activeKeys, LoadedAt = _time.GetUtcNow(), LoadFailure = null, LoadFailedAt = null };

    internal void LoadFailed(Exception failure) => _state = _state with { LoadFailure = failure, LoadFailedAt = _time.GetUtcNow() };

    internal void RolloverSucceeded() => _state = _state with { RolloverFailure = null, RolloverFailedAt = null };

    internal void RolloverFailed(Exception failure) => _state = _state with { RolloverFailure = failure, RolloverFailedAt = _time.GetUtcNow() };

    // One immutable record swapped at once, so a reader never sees a newest key from one load and a failure from another.
    private sealed record Snapshot(
        int? NewestVersion, DateTimeOffset? NewestRollOverAt, int ActiveKeys, DateTimeOffset? LoadedAt, Exception? LoadFailure, DateTimeOffset? LoadFailedAt,
        Exception? RolloverFailure, DateTimeOffset? RolloverFailedAt);
}
