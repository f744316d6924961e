using ColumnCrypto.Diagnostics;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

[Collection(PostgresTests.Name)]
public sealed class RetirementTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Retire_is_refused_while_any_value_uses_the_key_allowed_after_re_encryption_and_the_retired_key_is_no_longer_unwrapped(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = Clock();
        byte[] oldEmail;
        await using (var app = await LedgerApp.StartAsync(database, masterKey, clock))
        {
            await app.AddAccountsAsync(150);
            oldEmail = (byte[])(await database.ScalarAsync("SELECT \"Email\" FROM accounts WHERE \"Id\" = 1"))!;
            Assert.Equal(2, await app.Keys.RollOverAsync(CancellationToken.None));
            await app.RecordColumnsAsync();
            var retirement = app.Retirement;

            var newest = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => retirement.RetireAsync(2));
            Assert.Contains("newest active key", newest.Message, StringComparison.Ordinal);

            var tooSoon = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => retirement.RetireAsync(1));
            Assert.Contains("rollover check interval (60 minutes)", tooSoon.Message, StringComparison.Ordinal);
            clock.Advance(TimeSpan.FromMinutes(61));

            var inUse = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => retirement.RetireAsync(1));
            Assert.Equal(1, inUse.KeyVersion);
            // 150 emails and balances, 120 pins (every fifth is null), 100 notes (every third is null).
            Assert.Contains("520 values still use it: accounts.Balance (150), accounts.Email (150), accounts.Note (100), accounts.Pin (120)", inUse.Message, StringComparison.Ordinal);
            Assert.Contains("Run the re-encryption", inUse.Message, StringComparison.Ordinal);
            Assert.Equal(DataKeyStatus.Active, await StatusAsync(database, 1));

            var result = await app.Reencryptor().RunAsync();
            Assert.True(result.Complete);
            var coverage = await retirement.GetCoverageAsync();
            Assert.Equal(0, coverage.ValuesUsing(1));
            Assert.Equal([2], coverage.VersionsInUse);
            Assert.Equal(4, coverage.Columns.Count);

            await retirement.RetireAsync(1);
            Assert.Equal(DataKeyStatus.Retired, await StatusAsync(database, 1));
            await retirement.RetireAsync(1); // already retired: nothing to do
        }

        // A new instance loads and unwraps the active key only.
        await using var restarted = LedgerApp.Create(database, masterKey, clock);
        using var unwrapped = new MetricCollector<long>(restarted.Services.GetRequiredService<ColumnCryptoMetrics>().Meter, "columncrypto.keys.unwrapped");
        await restarted.Keys.InitializeAsync(CancellationToken.None);
        Assert.Equal(1, unwrapped.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(DataKeyStatus.Retired, (await restarted.Keys.GetKeysAsync(CancellationToken.None)).Single(k => k.Version == 1).Status);
        Assert.Equal(150, (await restarted.ReadAccountsAsync()).Count);

        var retired = Assert.Throws<ColumnDecryptionException>(() => restarted.Encryptor.Decrypt<string>(StoredAccounts.Column("Email"), oldEmail));
        Assert.Equal(1, retired.KeyVersion);
        Assert.Contains("retired keys are not loaded", retired.Message, StringComparison.Ordinal);
        Assert.Equal(1, unwrapped.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Destroying_a_key_needs_it_retired_unused_and_confirmed_and_wipes_its_wrapped_key_for_good(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = Clock();
        await using var app = await LedgerApp.StartAsync(database, masterKey, clock);
        await app.AddAccountsAsync(20);
        await app.Keys.RollOverAsync(CancellationToken.None);
        await app.RecordColumnsAsync();
        var retirement = app.Retirement;

        var active = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => retirement.DestroyAsync(1, DataKeyLifecycle.DestroyConfirmation(1)));
        Assert.Contains("Retire it first", active.Message, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromHours(2));
        await app.Reencryptor().RunAsync();
        await retirement.RetireAsync(1);

        var unconfirmed = await Assert.ThrowsAsync<ArgumentException>(() => retirement.DestroyAsync(1, "yes"));
        Assert.Contains("'destroy data key version 1'", unconfirmed.Message, StringComparison.Ordinal);
        Assert.Equal(DataKeyStatus.Retired, await StatusAsync(database, 1));

        // A retired key can come back (to read an old backup, say) until it is destroyed.
        await retirement.ReactivateAsync(1);
        Assert.Equal(DataKeyStatus.Active, await StatusAsync(database, 1));
        clock.Advance(TimeSpan.FromHours(2));
        await retirement.RetireAsync(1);

        await retirement.DestroyAsync(1, "destroy data key version 1");
        Assert.Equal(DataKeyStatus.Destroyed, await StatusAsync(database, 1));
        Assert.Empty((byte[])(await database.ScalarAsync("SELECT wrapped_key FROM columncrypto_data_keys WHERE version = 1"))!);
        var gone = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => retirement.ReactivateAsync(1));
        Assert.Contains("cannot be reactivated", gone.Message, StringComparison.Ordinal);

        // The application goes on with the remaining key.
        await using var restarted = await LedgerApp.StartAsync(database, masterKey, clock, createSchema: false);
        Assert.Equal(20, (await restarted.ReadAccountsAsync()).Count);
    }

    private static async Task<DataKeyStatus> StatusAsync(TestDatabase database, int version) =>
        (DataKeyStatus)Convert.ToInt32(await database.ScalarAsync($"SELECT status FROM columncrypto_data_keys WHERE version = {version}"), System.Globalization.CultureInfo.InvariantCulture);
}
