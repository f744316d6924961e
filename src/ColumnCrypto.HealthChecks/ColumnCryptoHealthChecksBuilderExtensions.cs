using ColumnCrypto.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds ColumnCrypto's health check to <c>services.AddHealthChecks()</c>.</summary>
public static class ColumnCryptoHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check named <paramref name="name"/> that reports ColumnCrypto's data keys from what the library
    /// already observed (no database or KMS call per probe). <b>Unhealthy</b>: the key table failed its integrity check
    /// (<see cref="ColumnCrypto.ColumnCryptoKeyRingException"/>), a data key cannot be unwrapped or verified, no key could be loaded,
    /// or the table has no active key. <b>Degraded</b>: the latest key-table read or rollover failed while the keys
    /// verified before stay in use (database or KMS unreachable), the newest key is past its rollover time by more than <c>schedule.rollOverCheckInterval</c>, the keys are
    /// not loaded yet, or libsodium failed its self-test. Its data holds <c>cipher</c>, <c>cipherImplementation</c>,
    /// <c>newestKeyVersion</c>, <c>newestKeyRollOverAt</c>, <c>activeKeys</c>, <c>lastLoadedAt</c> and, after failures,
    /// <c>loadFailedAt</c> and <c>rolloverFailedAt</c>. Requires <c>AddColumnCrypto</c> on the service collection.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name in the health report.</param>
    /// <param name="tags">Tags to filter checks by, for example <c>ready</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddColumnCrypto(this IHealthChecksBuilder builder, string name = "columncrypto", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(name, services => new ColumnCryptoHealthCheck(services), failureStatus: null, tags));
    }
}
