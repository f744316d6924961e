using System.Diagnostics;

namespace ColumnCrypto.Diagnostics;

/// <summary>
/// The core's spans, under <see cref="ColumnCryptoTelemetry.ActivitySourceName"/>. Starting a span nobody listens to
/// returns null and costs a flag check, so spans stay on the (rare) key paths; the per-value hot path has none.
/// </summary>
internal static class ColumnCryptoActivitySource
{
    public const string KeyRingLoad = "columncrypto.keyring.load";
    public const string KeyWrap = "columncrypto.key.wrap";
    public const string KeyUnwrap = "columncrypto.key.unwrap";
    public const string Rollover = "columncrypto.key.rollover";
    public const string KeyCreate = "columncrypto.key.create";
    public const string Rewrap = "columncrypto.key.rewrap";
    public const string Retire = "columncrypto.key.retire";
    public const string Reactivate = "columncrypto.key.reactivate";
    public const string Destroy = "columncrypto.key.destroy";

    public static ActivitySource Source { get; } = new(ColumnCryptoTelemetry.ActivitySourceName);

    /// <summary>A span for one wrap or unwrap by <paramref name="provider"/> key <paramref name="keyId"/> of data key <paramref name="version"/>.</summary>
    public static Activity? StartWrapping(string name, string provider, string keyId, int version) =>
        Source.StartActivity(name)?
            .SetTag(ColumnCryptoTelemetry.WrappingProviderTag, provider)
            .SetTag(ColumnCryptoTelemetry.WrappingKeyIdTag, keyId)
            .SetTag(ColumnCryptoTelemetry.KeyVersionTag, version);

    /// <summary>Marks <paramref name="activity"/> failed: error status with the message (which never holds key material) and <c>error.type</c>.</summary>
    public static void Fail(this Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("error.type", exception.GetType().FullName);
    }

    /// <summary>
    /// Runs <paramref name="work"/> inside a new span <paramref name="name"/> (tagged by <paramref name="tag"/>), marking it
    /// failed when it throws. The span starts inside this async method, so it never stays the caller's current activity.
    /// </summary>
    public static async Task<T> TraceAsync<T>(string name, Action<Activity> tag, Func<Activity?, Task<T>> work)
    {
        using var activity = Source.StartActivity(name);
        if (activity is not null)
        {
            tag(activity);
        }

        try
        {
            return await work(activity).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    /// <inheritdoc cref="TraceAsync{T}(string, Action{Activity}, Func{Activity?, Task{T}})"/>
    public static Task TraceAsync(string name, Action<Activity> tag, Func<Task> work) =>
        TraceAsync(name, tag, async _ =>
        {
            await work().ConfigureAwait(false);
            return true;
        });
}
