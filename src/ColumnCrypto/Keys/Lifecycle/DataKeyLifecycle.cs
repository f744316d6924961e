using System.Globalization;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Keys.Lifecycle;

/// <summary>
/// The operator's key lifecycle in one place: rotate (a new key now), rewrap (a master-key change), coverage (which
/// key versions the stored values use), retire (a key no value uses), reactivate, and destroy (crypto-shredding).
/// Registered by <c>AddColumnCrypto</c>; every change goes through the key store (<see cref="IDataKeyStore"/>), and
/// retire and destroy are refused unless the registered <see cref="IDataKeyUsage"/> proves no value uses the key.
/// </summary>
/// <example>
/// <code>
/// var lifecycle = services.GetRequiredService&lt;DataKeyLifecycle&gt;();
/// var version = await lifecycle.RotateAsync();                    // new values use it from now on
/// // ... re-encrypt (ColumnReencryptor), then:
/// await lifecycle.RetireAsync(version - 1);
/// </code>
/// </example>
public sealed class DataKeyLifecycle
{
    private readonly DataKeyManager _manager;
    private readonly DataKeyRewrapper _rewrapper;
    private readonly DataKeyRetirement _retirement;

    internal DataKeyLifecycle(DataKeyManager manager, DataKeyRewrapper rewrapper, DataKeyRetirement retirement)
    {
        _manager = manager;
        _rewrapper = rewrapper;
        _retirement = retirement;
    }

    /// <summary>
    /// The key-encryption key the configuration wraps new data keys with (the KMS plugin's key, or the local master
    /// key): the usual rewrap target.
    /// </summary>
    public IKeyWrapper ConfiguredKey => _manager.Wrappers.Primary;

    /// <summary>The text <see cref="StartNewKeyRingAsync"/> requires as its confirmation.</summary>
    public const string NewKeyRingConfirmation = "start a new key ring; values under the lost keys stay unreadable";

    /// <summary>The text <see cref="DestroyAsync"/> requires as its confirmation, for example <c>destroy data key version 3</c>.</summary>
    public static string DestroyConfirmation(int version) => string.Create(CultureInfo.InvariantCulture, $"destroy data key version {version}");

    /// <summary>
    /// Creates a new data key now, whatever the schedule (also when automatic key creation is off). Existing keys are
    /// loaded and verified first: nothing is created on top of a key table that cannot be read.
    /// </summary>
    /// <returns>The new newest version.</returns>
    public Task<int> RotateAsync(CancellationToken cancellationToken = default) => _manager.RollOverAsync(cancellationToken);

    /// <summary>
    /// Rewraps every data key row not yet wrapped by <paramref name="target"/> (retired ones too). Each row is unwrapped
    /// with whichever configured key can, checked against its commitment, wrapped by the target, verified by
    /// unwrapping, and replaced only if it did not change meanwhile; values are never touched. Throws a
    /// <see cref="ColumnCryptoKeyException"/> naming the version when a row cannot be rewrapped; rows finished before it
    /// stay on the target, and running it again resumes.
    /// </summary>
    /// <param name="target">The new key-encryption key: <see cref="ConfiguredKey"/>, or <see cref="RewrapTargets.LocalMasterKey"/>.</param>
    /// <param name="cancellationToken">Stops between rows (a row is never left half-written).</param>
    public Task<DataKeyRewrapResult> RewrapAsync(IKeyWrapper target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ColumnCryptoActivitySource.TraceAsync(
            ColumnCryptoActivitySource.Rewrap,
            a => a.SetTag(ColumnCryptoTelemetry.WrappingProviderTag, target.Provider).SetTag(ColumnCryptoTelemetry.WrappingKeyIdTag, target.KeyId),
            async activity =>
            {
                var result = await _rewrapper.RewrapAsync(target, cancellationToken).ConfigureAwait(false);
                activity?.SetTag("columncrypto.keys.rewrapped", result.Rewrapped.Count);
                return result;
            });    }

    /// <summary>
    /// Counts every recorded encrypted column's values per key version (from their headers; nothing is decrypted),
    /// and publishes the counts as the <c>columncrypto.keys.coverage.values</c> metric.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="IDataKeyUsage"/> is registered.</exception>
    public Task<KeyCoverageReport> GetCoverageAsync(CancellationToken cancellationToken = default) =>
        _retirement.GetCoverageAsync(cancellationToken);

    /// <summary>
    /// Retires <paramref name="version"/> after checking that no value of any recorded column uses it: it is no longer
    /// loaded or unwrapped. Refused (with a <see cref="ColumnCryptoRefusedException"/> that says why and what to do) when
    /// it is the newest active key, was superseded less than <c>schedule.rollOverCheckInterval</c> minutes ago, no
    /// column is recorded, or values still use it. The count is repeated after the status change; if a value appeared
    /// meanwhile the key is made active again. Retiring a retired key does nothing.
    /// </summary>
    public Task RetireAsync(int version, CancellationToken cancellationToken = default) =>
        Traced(ColumnCryptoActivitySource.Retire, version, () => _retirement.RetireAsync(version, cancellationToken));

    /// <summary>Makes a retired key active again (to read values restored from a backup, say). Destroyed keys cannot come back.</summary>
    public Task ReactivateAsync(int version, CancellationToken cancellationToken = default) =>
        Traced(ColumnCryptoActivitySource.Reactivate, version, () => _retirement.ReactivateAsync(version, cancellationToken));

    /// <summary>
    /// Crypto-shredding: wipes the wrapped key of a retired key and marks it destroyed. Any value still under it (in this
    /// database, a replica or a backup of the tables) can then never be decrypted with this key table; backups of the
    /// key table itself still hold the wrapped key until they expire (or the master/KMS key that wrapped it is destroyed).
    /// Guarded (<see cref="ColumnCryptoRefusedException"/>): the key must be retired, no recorded value may use it, and <paramref name="confirmation"/> must be
    /// <see cref="DestroyConfirmation"/>(<paramref name="version"/>). Destroying a destroyed key does nothing.
    /// </summary>
    public Task DestroyAsync(int version, string confirmation, CancellationToken cancellationToken = default) =>
        Traced(ColumnCryptoActivitySource.Destroy, version, () => _retirement.DestroyAsync(version, confirmation, cancellationToken));

    /// <summary>
    /// The one explicit operator action that creates a data key on an empty key table although encrypted columns already
    /// hold values (which start-up, <c>init</c> and <see cref="RotateAsync"/> refuse: the key table was probably lost, and
    /// restoring it from a backup is the right fix). The values under the lost keys stay unreadable. The new key's version
    /// is above every version the stored values name, so they keep failing as "key version N is not in the data key
    /// table" rather than as altered values, and a version number is never created twice. Refused
    /// (<see cref="ColumnCryptoRefusedException"/>) while the key table holds any row.
    /// </summary>
    /// <param name="confirmation">Must be <see cref="NewKeyRingConfirmation"/>.</param>
    /// <param name="cancellationToken">Stops the count of the stored values (nothing is written then).</param>
    /// <returns>The new key's version.</returns>
    public Task<int> StartNewKeyRingAsync(string confirmation, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(confirmation, NewKeyRingConfirmation, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Starting a new key ring abandons the values under the lost keys. To confirm, pass the text '{NewKeyRingConfirmation}'.", nameof(confirmation));
        }

        return _manager.StartNewKeyRingAsync(cancellationToken);
    }

    private static Task Traced(string span, int version, Func<Task> work) =>
        ColumnCryptoActivitySource.TraceAsync(span, a => a.SetTag(ColumnCryptoTelemetry.KeyVersionTag, version), work);
}
