using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.FunctionalTests.Infrastructure;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

/// <summary>A re-encryption stopped part-way (host shutdown, Ctrl+C in the tool) says where it stopped.</summary>
[Collection(PostgresTests.Name)]
public sealed class CancellationTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Provider.PostgreSql)]
    [InlineData(Provider.Sqlite)]
    public async Task A_cancelled_run_logs_the_table_the_values_done_and_the_last_committed_row(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await LedgerApp.StartAsync(database, masterKey, collectLogs: true);
        await app.AddAccountsAsync(500);
        var newest = await app.Keys.RollOverAsync(CancellationToken.None);
        await app.RecordColumnsAsync();

        var reencryptor = app.Reencryptor(batchSize: 100);
        using var cancellation = new CancellationTokenSource();
        var committed = 0;
        reencryptor.Hooks.OnStep = (step, _, _) =>
        {
            // Stopped while the third batch is read: two batches (200 rows) are committed.
            if (step == ReencryptionStep.AfterCommit)
            {
                committed++;
            }
            else if (step == ReencryptionStep.BatchRead && committed == 2)
            {
                cancellation.Cancel();
            }

            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reencryptor.RunAsync(cancellation.Token));

        var stopped = Assert.Single(app.Logs.GetSnapshot(), r => r.Id.Id == 2018);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, stopped.Level);
        Assert.StartsWith("Re-encryption of accounts stopped (cancelled) at ", stopped.Message, StringComparison.Ordinal);
        Assert.Contains($"values on key version {newest}: 200 rows written by this run, last committed row: Id = 200 (1 worker(s))", stopped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }
}
