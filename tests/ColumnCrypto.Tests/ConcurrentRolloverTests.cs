using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.Tests;

/// <summary>
/// Several application instances (separate DI containers sharing one key table and master key) that roll over at the
/// same moment create exactly one new key, and all of them then use it.
/// </summary>
public sealed class ConcurrentRolloverTests
{
    private const int Instances = 8;
    private static readonly EncryptedColumn Email = new("customers", "email");

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public async Task Eight_instances_rolling_over_concurrently_create_exactly_one_key(int storeLatencyMs)
    {
        var store = new InMemoryDataKeyStore();
        using var masterKey = MasterKeyFile.Random();
        var time = new FakeTimeProvider(CryptoInstance.Epoch);
        var instances = Enumerable.Range(0, Instances).Select(_ => CryptoInstance.Create(store, masterKey, time)).ToList();
        try
        {
            await instances[0].Keys.InitializeAsync(CancellationToken.None);
            foreach (var instance in instances)
            {
                await instance.Keys.InitializeAsync(CancellationToken.None);
                instance.Store.ReadDelay = TimeSpan.FromMilliseconds(storeLatencyMs);
                instance.Store.AddDelay = TimeSpan.FromMilliseconds(storeLatencyMs);
            }

            Assert.Single((await store.ReadAsync(CancellationToken.None)).Rows);

            for (var round = 1; round <= 5; round++)
            {
                time.Advance(TimeSpan.FromDays(365));
                var results = RaceRollOverIfDue(instances);

                var rows = (await store.ReadAsync(CancellationToken.None)).Rows;
                Assert.Equal(round + 1, rows.Count);
                Assert.Equal(Enumerable.Range(1, round + 1), rows.Select(r => r.Version));
                // Each instance either rolled over (or adopted the winner's key) or found nothing due any more.
                Assert.All(results, r => Assert.True(r is null || r == round + 1, $"returned {r}"));
                foreach (var instance in instances)
                {
                    Assert.Equal(round + 1, await instance.Keys.GetCurrentVersionAsync(CancellationToken.None));
                }
            }

            // Version 1 at start-up plus one key per round.
            Assert.Equal(6, instances.Sum(i => i.Store.Adds));
            if (storeLatencyMs > 0)
            {
                // With store latency every instance read the old table before any insert: the race really happened.
                Assert.True(instances.Sum(i => i.Store.AddAttempts) > 6, "the instances did not actually race");
            }

            // Every instance reads what every other wrote.
            var values = instances.Select((instance, i) => instance.Encryptor.Encrypt(Email, $"from {i}")!).ToList();
            Assert.All(values, v => Assert.Equal(6, ColumnEncryptor.GetKeyVersion(v)));
            foreach (var reader in instances)
            {
                for (var i = 0; i < values.Count; i++)
                {
                    Assert.Equal($"from {i}", reader.Encryptor.Decrypt<string>(Email, values[i]));
                }
            }
        }
        finally
        {
            instances.ForEach(i => i.Dispose());
        }
    }

    [Fact]
    public async Task Eight_instances_starting_on_an_empty_key_table_create_exactly_version_1()
    {
        var store = new InMemoryDataKeyStore();
        using var masterKey = MasterKeyFile.Random();
        var time = new FakeTimeProvider(CryptoInstance.Epoch);
        var instances = Enumerable.Range(0, Instances).Select(_ => CryptoInstance.Create(store, masterKey, time)).ToList();
        try
        {
            instances.ForEach(i => i.Store.AddDelay = TimeSpan.FromMilliseconds(10));
            RunTogether(instances, i => { i.Keys.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult(); return 0; });

            var row = Assert.Single((await store.ReadAsync(CancellationToken.None)).Rows);
            Assert.Equal(1, row.Version);
            foreach (var instance in instances)
            {
                Assert.Equal(1, await instance.Keys.GetCurrentVersionAsync(CancellationToken.None));
            }
        }
        finally
        {
            instances.ForEach(i => i.Dispose());
        }
    }

    [Fact]
    public async Task Concurrent_first_use_in_one_instance_creates_one_key_and_unwraps_nothing_twice()
    {
        var store = new InMemoryDataKeyStore();
        using var masterKey = MasterKeyFile.Random();
        using var instance = CryptoInstance.Create(store, masterKey);
        using var unwraps = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(instance.Metrics.Meter, "columncrypto.keys.unwrapped");

        var values = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        Parallel.For(0, 32, i => values.Add(instance.Encryptor.Encrypt(Email, i)!));

        Assert.Single((await store.ReadAsync(CancellationToken.None)).Rows);
        Assert.Equal(1, instance.Store.Adds);
        // The creating process keeps the key it verified: it never unwraps it from the table again.
        Assert.Equal(0, unwraps.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(values, v => Assert.Equal(1, ColumnEncryptor.GetKeyVersion(v)));
    }

    [Fact]
    public async Task Values_encrypted_on_many_threads_during_rollovers_all_decrypt()
    {
        var (instance, _, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (instance)
        using (masterKey)
        {
            using var stop = new CancellationTokenSource();
            var written = new System.Collections.Concurrent.ConcurrentBag<(string Plain, byte[] Stored)>();
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var plain = $"{w}/{i}";
                    var stored = instance.Encryptor.Encrypt(Email, plain)!;
                    Assert.Equal(plain, instance.Encryptor.Decrypt<string>(Email, stored));
                    written.Add((plain, stored));
                }
            })).ToList();

            for (var round = 0; round < 10; round++)
            {
                await instance.Keys.RollOverAsync(CancellationToken.None);
                await Task.Delay(5);
            }

            await stop.CancelAsync();
            await Task.WhenAll(workers);

            Assert.True(written.Select(w => ColumnEncryptor.GetKeyVersion(w.Stored)).Distinct().Count() > 1, "no value was written under a later key");
            Assert.All(written, w => Assert.Equal(w.Plain, instance.Encryptor.Decrypt<string>(Email, w.Stored)));
        }
    }

    private static List<int?> RaceRollOverIfDue(List<CryptoInstance> instances) =>
        RunTogether(instances, i => i.Keys.RollOverIfDueAsync(CancellationToken.None).GetAwaiter().GetResult());

    /// <summary>Runs <paramref name="action"/> on a dedicated thread per instance, released together by a barrier.</summary>
    private static List<T> RunTogether<T>(List<CryptoInstance> instances, Func<CryptoInstance, T> action)
    {
        using var barrier = new Barrier(instances.Count);
        var results = new T[instances.Count];
        var errors = new Exception?[instances.Count];
        var threads = instances.Select((instance, index) => new Thread(() =>
        {
            barrier.SignalAndWait();
            try
            {
                results[index] = action(instance);
            }
#pragma warning disable CA1031 // reported below
            catch (Exception e)
#pragma warning restore CA1031
            {
                errors[index] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromMinutes(1)), "an instance hung"));
        Assert.All(errors, e => Assert.Null(e));
        return [.. results];
    }
}
