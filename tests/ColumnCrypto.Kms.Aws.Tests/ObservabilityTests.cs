using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>
/// The AWS KMS plugin's telemetry against moto: its meter publishes exactly the instruments docs/observability.md lists
/// for it, and every KMS call is a client span on the ColumnCrypto activity source, with no key in any tag.
/// </summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class ObservabilityTests(KmsEmulator kms)
{
    [Fact]
    public async Task KMS_instruments_are_the_documented_ones_and_each_call_is_a_client_span_without_key_material()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId);
        using var meter = new DocumentedMeter(AwsKmsMetrics.MeterName, host.Services.GetRequiredService<IMeterFactory>());

        using var root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ColumnCryptoTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == root.TraceId && a.Kind == ActivityKind.Client)
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await host.Keys.InitializeAsync(CancellationToken.None);
        await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.KmsWrapper.UnwrapAsync(new byte[64], key.KeyId, new Wrapping.KeyWrapContext(9), CancellationToken.None));

        meter.AssertMatchesDocument();

        // Version 1 and the ring key: an Encrypt and a verifying Decrypt each; then the refused Decrypt of version 9.
        Assert.Equal(2, spans.Count(s => s.OperationName == "columncrypto.key.wrap" && (string?)s.GetTagItem("rpc.method") == "Encrypt"));
        Assert.Equal(2, spans.Count(s => s.OperationName == "columncrypto.key.unwrap" && s.Status == ActivityStatusCode.Unset));
        var failed = Assert.Single(spans, s => s.Status == ActivityStatusCode.Error);
        Assert.Equal(9, failed.GetTagItem(ColumnCryptoTelemetry.KeyVersionTag));
        Assert.Equal(key.KeyId, failed.GetTagItem(ColumnCryptoTelemetry.WrappingKeyIdTag));
        Assert.Equal("awsKms", failed.GetTagItem(ColumnCryptoTelemetry.WrappingProviderTag));
        Assert.Equal("KMS", failed.GetTagItem("rpc.service"));

        var wrapped = (await host.Store.ReadAsync(CancellationToken.None)).Rows.Select(r => r.WrappedKey).Where(w => w.Length > 0).ToList();
        Assert.NotEmpty(wrapped);
        var forms = wrapped.SelectMany(w => new[] { Convert.ToBase64String(w), Convert.ToHexString(w), Convert.ToHexStringLower(w) }).ToList();
        Assert.All(spans.SelectMany(s => s.TagObjects.Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "").Append(s.StatusDescription ?? "")),
            value => Assert.DoesNotContain(forms, form => value.Contains(form, StringComparison.Ordinal)));
    }
}
