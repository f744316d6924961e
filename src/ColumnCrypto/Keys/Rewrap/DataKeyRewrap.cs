using ColumnCrypto.Wrapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ColumnCrypto.Keys.Rewrap;

/// <summary>
/// Changes the key-encryption key of the data keys (a master-key change): from the local master key to AWS KMS, from
/// one KMS key to another, or from KMS back to the local master key. Only the key table's wrapping changes; encrypted
/// values are not touched. Each row is verified by unwrapping before it is written, and written atomically, so an
/// interrupted rewrap is resumed by running it again.
/// </summary>
/// <example>
/// Moving to the KMS key now configured in <c>plugins.awsKms</c> (keep the old master key configured until done):
/// <code>
/// var rewrap = DataKeyRewrap.FromServices(app.Services);
/// var result = await rewrap.RewrapAsync(rewrap.ConfiguredKey);
/// </code>
/// </example>
public sealed class DataKeyRewrap
{
    private readonly DataKeyRewrapper _rewrapper;

    private DataKeyRewrap(DataKeyRewrapper rewrapper, IKeyWrapper configuredKey)
    {
        _rewrapper = rewrapper;
        ConfiguredKey = configuredKey;
    }

    /// <summary>
    /// The rewrap of the data key table registered with <c>AddColumnCrypto</c>. Existing rows are unwrapped with the
    /// configured key-encryption keys: the KMS key of <c>plugins.awsKms</c> (which also reads rows of other KMS keys in
    /// its region) and the local master key when it is also available, and with the target itself.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The rewrap.</returns>
    public static DataKeyRewrap FromServices(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var wrappers = services.GetRequiredService<KeyWrapperSet>();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<DataKeyRewrap>() ?? (ILogger)NullLogger.Instance;
        return new DataKeyRewrap(new DataKeyRewrapper(services.GetRequiredService<IDataKeyStore>(), wrappers.All, logger), wrappers.Primary);
    }

    /// <summary>The key-encryption key the configuration wraps new data keys with: the usual rewrap target.</summary>
    public IKeyWrapper ConfiguredKey { get; }

    /// <summary>
    /// Rewraps every data key row not yet wrapped by <paramref name="target"/>. Throws a
    /// <see cref="ColumnCryptoKeyException"/> naming the version when a row cannot be unwrapped, verified or rewrapped;
    /// rows finished before it stay on the target.
    /// </summary>
    /// <param name="target">The new key-encryption key: <see cref="ConfiguredKey"/>, or <see cref="RewrapTargets.LocalMasterKey"/>.</param>
    /// <param name="cancellationToken">Stops between rows (a row is never left half-written).</param>
    /// <returns>Which versions were rewrapped, already on the target, or changed meanwhile.</returns>
    public Task<DataKeyRewrapResult> RewrapAsync(IKeyWrapper target, CancellationToken cancellationToken = default) =>
        _rewrapper.RewrapAsync(target, cancellationToken);
}
