using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

[Collection(PostgresTests.Name)]
public sealed class BackgroundServiceTests(PostgresServer postgres)
{
    [Fact]
    public async Task AddReencryption_records_the_columns_at_start_up_and_moves_every_value_to_the_newest_key_in_the_background()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        using var masterKey = new MasterKeyFile();
        int newest;
        await using (var seeding = await LedgerApp.StartAsync(database, masterKey))
        {
            await seeding.AddAccountsAsync(200);
            newest = await seeding.Keys.RollOverAsync(CancellationToken.None);
        }

        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path)
            .UseDbContextKeyStore<LedgerContext>()
            .AddReencryption<LedgerContext>(o =>
            {
                o.BatchSize = 30;
                o.PauseBetweenBatches = 1;
            });
        services.AddDbContextFactory<LedgerContext>((sp, o) => database.Configure(o).UseColumnEncryption(sp));
        await using var provider = services.BuildServiceProvider();
        using var values = new MetricCollector<long>(provider.GetRequiredService<ColumnCryptoMetrics>().Meter, "columncrypto.reencryption.values");
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Contains(hosted, s => s.GetType().Name.StartsWith("ReencryptionService", StringComparison.Ordinal));
        Assert.Equal(30, provider.GetRequiredService<ColumnReencryptor>().Options.BatchSize);

        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            var reencryptor = provider.GetRequiredService<ColumnReencryptor>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            IReadOnlyList<ReencryptionProgress> progress = [];
            while (DateTime.UtcNow < deadline)
            {
                progress = await ProgressOrEmptyAsync(reencryptor);
                if (progress.Count == 4 && progress.All(p => p.Status == "done" && p.TargetVersion == newest))
                {
                    break;
                }

                await Task.Delay(100);
            }

            Assert.Equal(4, progress.Count);
            Assert.All(progress, p => Assert.Equal("done", p.Status));
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }

        var stored = await StoredAccounts.ReadAsync(database);
        Assert.Equal(stored.Count, values.GetMeasurementSnapshot().Where(m => (string?)m.Tags["columncrypto.reencryption.outcome"] == "reencrypted").Sum(m => m.Value));
        await using var check = await LedgerApp.StartAsync(database, masterKey, createSchema: false);
        await StoredAccounts.AssertAllOnVersionAsync(database, check.Encryptor, newest);
        Assert.Equal(4, (await check.Registry.GetColumnsAsync()).Count);
    }

    private static async Task<IReadOnlyList<ReencryptionProgress>> ProgressOrEmptyAsync(ColumnReencryptor reencryptor)
    {
        try
        {
            return await reencryptor.GetProgressAsync();
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return []; // busy while the service writes
        }
    }
}
