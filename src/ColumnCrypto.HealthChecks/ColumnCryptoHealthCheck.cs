using System.Globalization;
using ColumnCrypto.Configuration;
using ColumnCrypto.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.HealthChecks;

/// <summary>
/// ColumnCrypto's health from what the library already observed (<see cref="DataKeyObservations"/>, <see cref="CipherBackendInfo"/>):
/// a probe never reads the key table or calls KMS, so probing often costs nothing and cannot overload either.
/// Unhealthy: the key table failed its integrity check, a key does not unwrap or verify, no key could be loaded, the
/// table has no active key, or the cipher cannot be used. Degraded: the keys verified before are in use but the
/// latest read failed transiently (database or KMS unreachable), the latest rollover check failed, the newest key is
/// past its rollover time by more than one rollover check interval, the keys were not loaded yet, or libsodium failed its self-test.
/// </summary>
internal sealed class ColumnCryptoHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        var observed = services.GetRequiredService<DataKeyObservations>();
        var now = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var data = new Dictionary<string, object>();
        CipherBackendInfo cipher;
        try
        {
            // Chosen and self-tested once per application (at the first key load); in memory afterwards.
            cipher = services.GetRequiredService<CipherBackendInfo>();
        }
        catch (ColumnCryptoException e)
        {
            return HealthCheckResult.Unhealthy($"The cipher backend cannot be used: {e.Message}", e, data);
        }

        data["cipher"] = CipherBackendInfo.SettingValue(cipher.Backend);
        data["cipherImplementation"] = cipher.Implementation;
        Add(data, "newestKeyVersion", observed.NewestVersion);
        Add(data, "newestKeyRollOverAt", observed.NewestRollOverAt);
        data["activeKeys"] = observed.ActiveKeys;
        Add(data, "lastLoadedAt", observed.LastLoadedAt);
        Add(data, "loadFailedAt", observed.LoadFailedAt);
        Add(data, "rolloverFailedAt", observed.RolloverFailedAt);

        var keys = observed.NewestVersion is { } version
            ? string.Create(CultureInfo.InvariantCulture, $"data key version {version} ({observed.ActiveKeys} active), rolls over at {observed.NewestRollOverAt:O}")
            : "no data key loaded";
        var state = $"{keys}; cipher {cipher}";

        switch (observed.LoadFailure)
        {
            case ColumnCryptoKeyRingException e:
                return HealthCheckResult.Unhealthy($"The key table failed its integrity check: {e.Message} ({state})", e, data);
            case ColumnCryptoKeyException { IsTransient: false } e:
                return HealthCheckResult.Unhealthy($"Data keys cannot be unwrapped or verified: {e.Message} ({state})", e, data);
            case { } e when observed.NewestVersion is null:
                return HealthCheckResult.Unhealthy($"No data key could be loaded: {e.Message}", e, data);
        }

        if (observed.NewestVersion is null)
        {
            return observed.LastLoadedAt is null
                ? HealthCheckResult.Degraded($"The data keys are not loaded yet (they are at host start, or on first use); cipher {cipher}.", data: data)
                : HealthCheckResult.Unhealthy($"The key table has no active data key, so nothing can be encrypted; cipher {cipher}.", observed.RolloverFailure, data);
        }

        if (observed.LoadFailure is { } transient)
        {
            return HealthCheckResult.Degraded(
                $"The latest read of the key table failed (database or KMS unreachable?): {transient.Message} The keys verified before stay in use ({state}).", transient, data);
        }

        if (observed.RolloverFailure is { } rollover)
        {
            return HealthCheckResult.Degraded($"The latest data key rollover check failed: {rollover.Message} ({state})", rollover, data);
        }

        // The scheduled check runs every rollOverCheckInterval minutes: a key just past its time is not a failure yet.
        var checkInterval = TimeSpan.FromMinutes(services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Schedule.RollOverCheckInterval);
        if (now >= observed.NewestRollOverAt + checkInterval)
        {
            return HealthCheckResult.Degraded(
                $"Data key version {observed.NewestVersion} is past its rollover time: rollovers are failing, or automatic key creation is off ({state}).", data: data);
        }

        return cipher.SelfTestFailure is { } selfTest
            ? HealthCheckResult.Degraded($"libsodium failed its self-test ({selfTest}); the platform cipher is used instead ({state}).", data: data)
            : HealthCheckResult.Healthy(char.ToUpperInvariant(state[0]) + state[1..] + ".", data);
    }

    private static void Add(Dictionary<string, object> data, string name, object? value)
    {
        if (value is not null)
        {
            data[name] = value;
        }
    }
}
