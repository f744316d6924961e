using System.Collections.Concurrent;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

[Collection(PostgresTests.Name)]
public sealed class ParallelWorkerTests(PostgresServer postgres)
{
    private const int Rows = 2_000;

    [Fact]
    public async Task Two_workers_on_PostgreSQL_migrate_every_row_and_never_hold_the_same_row_at_once()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        await using var first = await LedgerApp.StartAsync(database, masterKey);
        await first.AddAccountsAsync(Rows);
        var newest = await first.Keys.RollOverAsync(CancellationToken.None);
        await first.RecordColumnsAsync();
        var expected = await first.ReadAccountsAsync();
        await CountUpdatesPerRowAsync(database);

        // A second application instance: workers share nothing but the database.
        await using var second = await LedgerApp.StartAsync(database, masterKey, createSchema: false);
        var inFlight = new ConcurrentDictionary<long, string>();
        var collisions = new ConcurrentBag<string>();
        var workers = new[] { first.Reencryptor(batchSize: 50), second.Reencryptor(batchSize: 50) };
        foreach (var worker in workers)
        {
            worker.Hooks.OnStep = async (step, batch, cancellationToken) =>
            {
                switch (step)
                {
                    case ReencryptionStep.BatchRead:
                        foreach (var key in batch.Keys)
                        {
                            if (!inFlight.TryAdd((long)key[0], batch.Worker))
                            {
                                collisions.Add($"row {key[0]}: {batch.Worker} and {inFlight[(long)key[0]]}");
                            }
                        }

                        await Task.Delay(5, cancellationToken); // keep batches open long enough to overlap
                        break;
                    case ReencryptionStep.AfterCommit:
                        foreach (var key in batch.Keys)
                        {
                            inFlight.TryRemove((long)key[0], out _);
                        }

                        break;
                }
            };
        }

        var results = await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync())));

        Assert.Empty(collisions);
        Assert.All(results, r => Assert.True(r.RowsWritten > 0, "Both workers should have taken part of the work."));
        Assert.Equal(Rows, results.Sum(r => r.RowsWritten));
        Assert.Equal(0, results.Sum(r => r.ChangedMeanwhile));
        Assert.All(results, r => Assert.Equal(0, r.Failed));

        // Each row was written exactly once (the trigger counts every UPDATE of a row).
        var counts = await database.ScalarAsync("SELECT count(*) FROM update_counts WHERE n <> 1");
        Assert.Equal(0L, counts);
        Assert.Equal((long)Rows, await database.ScalarAsync("SELECT count(*) FROM update_counts"));
        await StoredAccounts.AssertAllOnVersionAsync(database, first.Encryptor, newest);
        StoredAccounts.AssertSame(expected, await second.ReadAccountsAsync());
    }

    private static Task CountUpdatesPerRowAsync(TestDatabase database) => database.ExecuteAsync("""
        CREATE TABLE update_counts (id bigint PRIMARY KEY, n integer NOT NULL);
        CREATE FUNCTION count_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO update_counts VALUES (NEW."Id", 1) ON CONFLICT (id) DO UPDATE SET n = update_counts.n + 1;
            RETURN NEW;
        END $$;
        CREATE TRIGGER count_update AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION count_update();
        """);
}
