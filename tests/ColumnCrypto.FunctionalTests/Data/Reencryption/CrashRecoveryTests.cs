using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

[Collection(PostgresTests.Name)]
public sealed class CrashRecoveryTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Rows = 1_000;
    private const int BatchSize = 100;

    public static TheoryData<Provider, string> Cases => new()
    {
        { Provider.PostgreSql, "exception" },
        { Provider.PostgreSql, "cancellation" },
        { Provider.Sqlite, "exception" },
        { Provider.Sqlite, "cancellation" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_crash_at_a_random_point_of_a_batch_loses_nothing_and_the_next_run_finishes_everything_on_the_newest_key_with_one_header_layer(Provider provider, string fault)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var crashBatch = random.Next(1, Rows / BatchSize + 1);
        var crashStep = (ReencryptionStep)random.Next(0, 3);
        output.WriteLine($"seed {seed}: {fault} at {crashStep} of batch {crashBatch}");

        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        Dictionary<long, Account> expected;
        int newest;
        await using (var app = await LedgerApp.StartAsync(database, masterKey))
        {
            await app.AddAccountsAsync(Rows);
            newest = await app.Keys.RollOverAsync(CancellationToken.None);
            await app.RecordColumnsAsync();
            expected = await app.ReadAccountsAsync();

            var reencryptor = app.Reencryptor(BatchSize);
            using var cancellation = new CancellationTokenSource();
            var batches = 0;
            reencryptor.Hooks.OnStep = (step, _, _) =>
            {
                if (step == ReencryptionStep.BatchRead)
                {
                    batches++;
                }

                if (batches == crashBatch && step == crashStep)
                {
                    if (fault == "exception")
                    {
                        throw new InvalidOperationException("injected crash");
                    }

                    cancellation.Cancel();
                    cancellation.Token.ThrowIfCancellationRequested();
                }

                return Task.CompletedTask;
            };

            // The process "dies" here: this instance is not used again.
            var crash = await Assert.ThrowsAnyAsync<Exception>(() => reencryptor.RunAsync(cancellation.Token));
            Assert.True(crash is InvalidOperationException { Message: "injected crash" } or OperationCanceledException, crash.ToString());
        }

        // After the crash: every value still reads as it was written, on the old key or the new one.
        var stored = await StoredAccounts.ReadAsync(database);
        var movedBeforeCrash = stored.Count(s => ColumnEncryptor.GetKeyVersion(s.Stored) == newest);
        // All of them when the crash came after the last batch's commit.
        Assert.InRange(movedBeforeCrash, 0, stored.Count);
        output.WriteLine($"{movedBeforeCrash} of {stored.Count} values were on version {newest} after the crash");

        // A new instance resumes: the rows done stay done, the others are re-encrypted once.
        await using (var restarted = await LedgerApp.StartAsync(database, masterKey))
        {
            StoredAccounts.AssertSame(expected, await restarted.ReadAccountsAsync());
            var result = await restarted.Reencryptor(BatchSize).RunAsync();

            Assert.True(result.Complete);
            Assert.Equal(newest, result.TargetVersion);
            Assert.Equal(stored.Count - movedBeforeCrash, result.Reencrypted);
            Assert.Equal(0, result.Failed);
            await StoredAccounts.AssertAllOnVersionAsync(database, restarted.Encryptor, newest);
            StoredAccounts.AssertSame(expected, await restarted.ReadAccountsAsync());

            var progress = await restarted.Reencryptor().GetProgressAsync();
            Assert.Equal(4, progress.Count);
            Assert.All(progress, p =>
            {
                Assert.Equal("done", p.Status);
                Assert.Equal(newest, p.TargetVersion);
                Assert.Equal(p.Total, p.Done);
            });
        }
    }
}
