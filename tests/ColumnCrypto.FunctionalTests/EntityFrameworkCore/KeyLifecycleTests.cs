using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore;

[Collection(PostgresTests.Name)]
public sealed class KeyLifecycleTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<int> AddCustomerAsync(CryptoApp app, string email)
    {
        await using var context = app.NewContext();
        var customer = new Customer { Email = email };
        context.Customers.Add(customer);
        await context.SaveChangesAsync();
        return customer.Id;
    }

    private static async Task<int?> StoredVersionAsync(TestDatabase database, int id) =>
        ColumnEncryptor.GetKeyVersion((byte[])(await database.ScalarAsync($"SELECT \"Email\" FROM customers WHERE \"Id\" = {id}"))!);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rollover_creates_new_key_when_newest_is_older_than_schedule(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        await using var app = await CryptoApp.StartAsync(database, masterKey, clock);
        var oldRow = await AddCustomerAsync(app, "before@rollover.example");

        clock.Advance(TimeSpan.FromDays(364));
        Assert.Null(await app.Keys.RollOverIfDueAsync(CancellationToken.None));
        Assert.Equal(1, await app.Keys.GetCurrentVersionAsync(CancellationToken.None));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, await app.Keys.RollOverIfDueAsync(CancellationToken.None));
        var newRow = await AddCustomerAsync(app, "after@rollover.example");

        Assert.Equal(2L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM columncrypto_data_keys"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, await StoredVersionAsync(database, oldRow));
        Assert.Equal(2, await StoredVersionAsync(database, newRow));
        await using var context = app.NewContext();
        Assert.Equal("before@rollover.example", (await context.Customers.SingleAsync(c => c.Id == oldRow)).Email);
        Assert.Equal("after@rollover.example", (await context.Customers.SingleAsync(c => c.Id == newRow)).Email);
    }

    [Fact]
    public async Task Configured_rollover_length_is_honoured()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        await using var app = await CryptoApp.StartAsync(database, masterKey, clock, o => o.Schedule.DataKeyRollOverLength = 30);

        clock.Advance(TimeSpan.FromDays(29));
        Assert.Null(await app.Keys.RollOverIfDueAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, await app.Keys.RollOverIfDueAsync(CancellationToken.None));
        var keys = await app.Keys.GetKeysAsync(CancellationToken.None);
        Assert.Equal(Start.AddDays(30).AddDays(30), keys.Single(k => k.Version == 2).RollOverAt);
    }

    [Fact]
    public async Task Eight_instances_rolling_over_at_once_create_exactly_one_key()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        await using (var first = await CryptoApp.StartAsync(database, masterKey, clock))
        {
        }

        clock.Advance(TimeSpan.FromDays(400));
        var instances = new List<CryptoApp>();
        for (var i = 0; i < 8; i++)
        {
            instances.Add(await CryptoApp.StartAsync(database, masterKey, clock));
        }

        // StartAsync already rolled over (the check runs at start-up); force the race again on a fresh schedule.
        Assert.Equal(2L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM columncrypto_data_keys"), System.Globalization.CultureInfo.InvariantCulture));
        clock.Advance(TimeSpan.FromDays(400));
        using var barrier = new Barrier(instances.Count);
        var results = await Task.WhenAll(instances.Select(app => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await app.Keys.RollOverIfDueAsync(CancellationToken.None);
        })));

        Assert.Equal(3L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM columncrypto_data_keys"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(results, version => Assert.True(version is null or 3));
        foreach (var app in instances)
        {
            Assert.Equal(3, await app.Keys.GetCurrentVersionAsync(CancellationToken.None));
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Value_written_after_another_instance_rolled_over_is_read_after_one_refresh()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        await using var writer = await CryptoApp.StartAsync(database, masterKey);
        await using var reader = await CryptoApp.StartAsync(database, masterKey);

        Assert.Equal(2, await writer.Keys.RollOverAsync(CancellationToken.None));
        var id = await AddCustomerAsync(writer, "fresh@key.example");

        await using var context = reader.NewContext();
        Assert.Equal("fresh@key.example", (await context.Customers.SingleAsync(c => c.Id == id)).Email);
        Assert.Equal(2, await reader.Keys.GetCurrentVersionAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Missing_master_key_fails_fast_and_creates_no_key(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        await using var app = CryptoApp.Create(database, new MasterKeyFile(), configure: o =>
        {
            o.MasterKey.File = null;
            o.MasterKey.EnvironmentVariable = "COLUMNCRYPTO_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        });
        await using (var context = app.NewContext())
        {
            await context.Database.EnsureCreatedAsync();
        }

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => app.Keys.InitializeAsync(CancellationToken.None));
        Assert.Contains("No master key", error.Message, StringComparison.Ordinal);
        Assert.Contains("COLUMNCRYPTO_TEST_UNSET_", error.Message, StringComparison.Ordinal);
        Assert.Contains("masterKey.file", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM columncrypto_data_keys"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Wrong_master_key_fails_fast_names_both_keys_and_creates_no_key(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var rightKey = new MasterKeyFile();
        using var wrongKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        await using (var original = await CryptoApp.StartAsync(database, rightKey, clock))
        {
        }

        // Even with a rollover due, a wrong master key must not mint a key on top of keys it cannot read.
        clock.Advance(TimeSpan.FromDays(500));
        await using var impostor = CryptoApp.Create(database, wrongKey, clock);
        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => impostor.Keys.InitializeAsync(CancellationToken.None));
        Assert.Contains("Data key version 1 is wrapped by local key 'local:", error.Message, StringComparison.Ordinal);
        Assert.Contains("but the configured key-encryption key is local key 'local:", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => impostor.Keys.RollOverIfDueAsync(CancellationToken.None));
        Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM columncrypto_data_keys"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Key_table_holds_only_wrapped_keys_with_their_metadata()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await CryptoApp.StartAsync(database, masterKey);
        var key = Assert.Single(await app.Keys.GetKeysAsync(CancellationToken.None));

        Assert.Equal(1, key.Version);
        Assert.Equal(DataKeyStatus.Active, key.Status);
        Assert.Equal("local", key.WrappingProvider);
        Assert.StartsWith("local:", key.WrappingKeyId, StringComparison.Ordinal);
        Assert.Equal(12 + 32 + 16, key.WrappedKey.Length);
        Assert.Equal(32, key.Commitment.Length);
        Assert.Equal(key.CreatedAt.AddDays(365), key.RollOverAt);
    }
}
