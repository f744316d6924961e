using ColumnCrypto.Kms.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>Each data key is unwrapped once per process, however many threads ask at once; then KMS is not called.</summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class SingleFlightTests(KmsEmulator kms)
{
    private static readonly EncryptedColumn Email = new("customers", "email");

    [Fact]
    public async Task Two_hundred_concurrent_first_reads_make_one_Decrypt_call_per_key_version()
    {
        var key = await kms.CreateKeyAsync();
        using var writer = KmsTestHost.ForKms(kms.Url, key.KeyId);
        await writer.Keys.InitializeAsync(CancellationToken.None);
        var values = new List<byte[]> { writer.Encryptor.Encrypt(Email, "v1")! };
        await writer.Keys.RollOverAsync(CancellationToken.None);
        values.Add(writer.Encryptor.Encrypt(Email, "v2")!);
        await writer.Keys.RollOverAsync(CancellationToken.None);
        values.Add(writer.Encryptor.Encrypt(Email, "v3")!);

        // A fresh process over the same key table: nothing unwrapped yet.
        using var reader = KmsTestHost.ForKms(kms.Url, key.KeyId, writer.Store);
        var counter = reader.Kms;
        using var calls = new MetricCollector<long>(reader.Metrics.Meter, AwsKmsMetrics.CallsInstrument);
        // 200 dedicated threads released together by a barrier (thread-pool tasks would trickle in as the pool grows).
        var plaintexts = new string?[200];
        using var start = new Barrier(200);
        var threads = Enumerable.Range(0, 200).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            plaintexts[i] = reader.Encryptor.Decrypt<string>(Email, values[i % 3]);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"v{(i % 3) + 1}"), plaintexts);
        // One Decrypt per key version, and one for the ring key (version 0) that authenticates the key table's ring head.
        Assert.Equal(4, counter.Count("Decrypt"));
        Assert.Equal(["0", "1", "2", "3"], counter.DecryptedVersions.Order());
        Assert.Equal(4, counter.Total);
        Assert.Equal(4, calls.GetMeasurementSnapshot().Count(m => (string?)m.Tags[AwsKmsMetrics.OperationTag] == "Decrypt" && (string?)m.Tags[AwsKmsMetrics.OutcomeTag] == "success"));
    }

    [Fact]
    public async Task Steady_state_reads_and_writes_make_no_KMS_calls()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var existing = host.Encryptor.Encrypt(Email, "existing");
        host.Kms.Reset();

        await Parallel.ForAsync(0, 20_000, async (i, _) =>
        {
            var stored = host.Encryptor.Encrypt(Email, $"value {i}");
            Assert.Equal($"value {i}", host.Encryptor.Decrypt<string>(Email, stored));
            Assert.Equal("existing", host.Encryptor.Decrypt<string>(Email, existing));
            await Task.Yield();
        });
        await host.Keys.RollOverIfDueAsync(CancellationToken.None);

        Assert.Equal(0, host.Kms.Total);
    }

    [Fact]
    public async Task KMS_calls_are_measured_by_operation_and_outcome_with_latency()
    {
        var key = await kms.CreateKeyAsync();
        using var host = KmsTestHost.ForKms(kms.Url, key.KeyId);
        using var calls = new MetricCollector<long>(host.Metrics.Meter, AwsKmsMetrics.CallsInstrument);
        using var latency = new MetricCollector<double>(host.Metrics.Meter, AwsKmsMetrics.DurationInstrument);

        await host.Keys.InitializeAsync(CancellationToken.None);
        await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => host.KmsWrapper.UnwrapAsync(
            new byte[64], key.KeyId, new Wrapping.KeyWrapContext(9), CancellationToken.None));

        var measured = calls.GetMeasurementSnapshot().Select(m => $"{m.Tags[AwsKmsMetrics.OperationTag]}:{m.Tags[AwsKmsMetrics.OutcomeTag]}").ToList();

        // Creating version 1, and the ring key of the table's first ring head: for each, one Encrypt and one Decrypt, which
        // verifies the wrapping before the row is written; the verified keys are then used as they are, not unwrapped again.
        Assert.Equal(2, measured.Count(m => m == "Encrypt:success"));
        Assert.Equal(2, measured.Count(m => m == "Decrypt:success"));
        Assert.Single(measured, m => m.StartsWith("Decrypt:", StringComparison.Ordinal) && !m.EndsWith(":success", StringComparison.Ordinal));
        Assert.Equal(measured.Count, latency.GetMeasurementSnapshot().Count);
        Assert.All(latency.GetMeasurementSnapshot(), m => Assert.True(m.Value > 0));
        Assert.Equal("s", latency.Instrument!.Unit);
    }
}
