using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>
/// Transient failures are retried by the AWS SDK (standard retry mode: capped, jittered exponential backoff), a bounded
/// number of times; failures that cannot heal are not retried. Attempts are counted on the wire, in front of the emulator.
/// </summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class RetryTests(KmsEmulator kms)
{
    [Fact]
    public async Task Throttling_is_retried_by_the_SDK_and_the_call_then_succeeds()
    {
        var key = await kms.CreateKeyAsync();
        using var proxy = new KmsFaultProxy(kms.Url);
        using var host = KmsTestHost.ForKms(proxy.Url, key.KeyId);
        using var calls = new MetricCollector<long>(host.Metrics.Meter, AwsKmsMetrics.CallsInstrument);
        proxy.FailNext(2, KmsFaultProxy.Fault.Throttle);

        await host.Keys.InitializeAsync(CancellationToken.None);

        // Creating version 1 is Encrypt and Decrypt (verify; the verified key is kept), and the same for the ring key of
        // the first ring head; version 1's Encrypt took three attempts.
        Assert.Equal(3 + 1 + 2, proxy.Attempts);
        Assert.Equal(2, host.Kms.Count("Encrypt"));
        Assert.All(calls.GetMeasurementSnapshot(), m => Assert.Equal("success", m.Tags[AwsKmsMetrics.OutcomeTag]));
        Assert.Single((await host.Store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task Dropped_connections_are_retried_a_bounded_number_of_times_then_fail_clearly()
    {
        var key = await kms.CreateKeyAsync();
        using var proxy = new KmsFaultProxy(kms.Url);
        using var host = KmsTestHost.ForKms(proxy.Url, key.KeyId);
        proxy.FailNext(int.MaxValue, KmsFaultProxy.Fault.Reset);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.Keys.InitializeAsync(CancellationToken.None));

        // Every backed-off retry happens; besides them the SDK retries a reset at once when it takes the connection for a
        // stale pooled one, which depends on pool timing, so only the upper bound of those is fixed.
        Assert.InRange(proxy.Attempts, 1 + AwsKmsClientFactory.MaxErrorRetry, 1 + AwsKmsClientFactory.MaxErrorRetry + AwsKmsClientFactory.MaxStaleConnectionRetries);
        Assert.Contains($"could not be reached at {proxy.Url} after the SDK's retries", error.Message, StringComparison.Ordinal);
        Assert.Empty((await host.Store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task A_bare_socket_error_from_the_connection_pool_is_retried_like_any_dropped_connection()
    {
        var key = await kms.CreateKeyAsync();
        var transport = new SocketFaultHttpClientFactory(failures: AwsKmsClientFactory.MaxErrorRetry);
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId, configureClient: config => config.HttpClientFactory = transport);

        await host.Keys.InitializeAsync(CancellationToken.None);

        // Three failed sends, then Encrypt and the verifying Decrypt of version 1, and of the ring key.
        Assert.Equal(AwsKmsClientFactory.MaxErrorRetry + 4, transport.Sends);
        Assert.Single((await host.Store.ReadAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task Persistent_throttling_gives_up_after_the_bounded_retries()
    {
        var key = await kms.CreateKeyAsync();
        using var proxy = new KmsFaultProxy(kms.Url);
        using var host = KmsTestHost.ForKms(proxy.Url, key.KeyId);
        proxy.FailNext(int.MaxValue, KmsFaultProxy.Fault.Throttle);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.Keys.InitializeAsync(CancellationToken.None));

        Assert.Equal(1 + AwsKmsClientFactory.MaxErrorRetry, proxy.Attempts);
        Assert.Contains("ThrottlingException", error.Message, StringComparison.Ordinal);
        Assert.Contains("kept failing after the SDK's retries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_ciphertext_is_not_retried()
    {
        var key = await kms.CreateKeyAsync();
        using var proxy = new KmsFaultProxy(kms.Url);
        using var host = KmsTestHost.ForKms(proxy.Url, key.KeyId);
        var wrapped = await host.KmsWrapper.WrapAsync(new byte[32], new Wrapping.KeyWrapContext(1), CancellationToken.None);
        var before = proxy.Attempts;

        await Assert.ThrowsAsync<ColumnCryptoKeyException>(
            () => host.KmsWrapper.UnwrapAsync(wrapped, key.KeyId, new Wrapping.KeyWrapContext(2), CancellationToken.None));

        Assert.Equal(1, proxy.Attempts - before);
    }
}
