namespace ColumnCrypto.Keys;

/// <summary>
/// Manages the data keys: loads and caches them, creates the first one, and rolls over on the schedule
/// (<c>schedule.dataKeyRollOverLength</c>). Registered by <c>AddColumnCrypto</c>; the hosted service calls
/// <see cref="InitializeAsync"/> at start-up and <see cref="RollOverIfDueAsync"/> periodically.
/// </summary>
public interface IDataKeyManager
{
    /// <summary>
    /// Loads and unwraps the keys, creates version 1 when the table is empty, and rolls over when due.
    /// Fails (and creates nothing) when keys cannot be read or unwrapped.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Creates a new data key when the newest is older than the schedule or has reached its encryption bound. Returns the new version, or null when no rollover was due.</summary>
    Task<int?> RollOverIfDueAsync(CancellationToken cancellationToken);

    /// <summary>Creates a new data key now, whatever the schedule. Returns the newest version afterwards.</summary>
    Task<int> RollOverAsync(CancellationToken cancellationToken);

    /// <summary>Reloads the key table (for example after another instance rolled over).</summary>
    Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>The key rows as last loaded (no key material).</summary>
    Task<IReadOnlyList<DataKeyRecord>> GetKeysAsync(CancellationToken cancellationToken);

    /// <summary>The version new values are encrypted with, loading the keys first if needed.</summary>
    Task<int> GetCurrentVersionAsync(CancellationToken cancellationToken);
}
