using ColumnCrypto.Diagnostics;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ColumnCrypto.FunctionalTests.Diagnostics;

/// <summary>
/// <c>services.AddHealthChecks().AddColumnCrypto()</c> through the real <see cref="HealthCheckService"/>: healthy with its
/// cipher and newest key, degraded when rollovers fail or are overdue, unhealthy when keys do not unwrap or the key table
/// fails its integrity check; and a probe reads nothing: no key-table read, no KMS call.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class HealthCheckTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static ServiceProvider InMemoryApplication(MasterKeyFile masterKey, FakeTimeProvider time, IDataKeyStore store, bool autoGenerateKeys = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging();
        services.AddColumnCrypto(o =>
        {
            o.MasterKey.File = masterKey.Path;
            o.Schedule.AutoGenerateKeys = autoGenerateKeys;
        }).UseDataKeyStore(store).WithoutHostedService();
        services.AddHealthChecks().AddColumnCrypto();
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> HealthAsync(IServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["columncrypto"];

    [Fact]
    public async Task Healthy_once_the_keys_are_loaded_showing_the_cipher_backend_and_the_newest_key_and_its_rollover_time()
    {
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(Start);
        await using var app = InMemoryApplication(masterKey, time, new InMemoryDataKeyStore());

        var before = await HealthAsync(app);
        Assert.Equal(HealthStatus.Degraded, before.Status);
        Assert.Contains("not loaded yet", before.Description, StringComparison.Ordinal);

        await app.GetRequiredService<IDataKeyManager>().InitializeAsync(None);
        var entry = await HealthAsync(app);
        var cipher = app.GetRequiredService<CipherBackendInfo>();
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(1, entry.Data["newestKeyVersion"]);
        Assert.Equal(Start.AddDays(365), entry.Data["newestKeyRollOverAt"]);
        Assert.Equal(1, entry.Data["activeKeys"]);
        Assert.Equal(CipherBackendInfo.SettingValue(cipher.Backend), entry.Data["cipher"]);
        Assert.Equal(cipher.Implementation, entry.Data["cipherImplementation"]);
        Assert.Equal($"Data key version 1 (1 active), rolls over at {Start.AddDays(365):O}; cipher {cipher}.", entry.Description);
    }

    [Fact]
    public async Task Degraded_when_the_newest_key_is_past_its_rollover_time_and_no_rollover_replaced_it()
    {
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(Start);
        var store = new InMemoryDataKeyStore();
        await using (var first = InMemoryApplication(masterKey, time, store))
        {
            await first.GetRequiredService<IDataKeyManager>().InitializeAsync(None);
        }

        // An operator turned automatic key creation off: the due rollover is only reported.
        await using var app = InMemoryApplication(masterKey, time, store, autoGenerateKeys: false);
        var keys = app.GetRequiredService<IDataKeyManager>();
        await keys.InitializeAsync(None);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(app)).Status);

        // Due, but the next scheduled check (every 60 minutes) has not run yet: not a failure.
        time.Advance(TimeSpan.FromDays(365) + TimeSpan.FromMinutes(30));
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(app)).Status);

        time.Advance(TimeSpan.FromDays(1));
        await keys.RollOverIfDueAsync(None);
        var entry = await HealthAsync(app);
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("Data key version 1 is past its rollover time: rollovers are failing, or automatic key creation is off", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_probe_reads_neither_the_key_table_nor_the_master_key()
    {
        using var masterKey = new MasterKeyFile();
        await using var app = InMemoryApplication(masterKey, new FakeTimeProvider(Start), new InMemoryDataKeyStore());
        await app.GetRequiredService<IDataKeyManager>().InitializeAsync(None);
        using var loads = new MetricCollector<long>(app.GetRequiredService<ColumnCryptoMetrics>().Meter, "columncrypto.keyring.loads");
        using var unwraps = new MetricCollector<long>(app.GetRequiredService<ColumnCryptoMetrics>().Meter, "columncrypto.keys.unwrapped");

        for (var probe = 0; probe < 20; probe++)
        {
            Assert.Equal(HealthStatus.Healthy, (await HealthAsync(app)).Status);
        }

        Assert.Empty(loads.GetMeasurementSnapshot());
        Assert.Empty(unwraps.GetMeasurementSnapshot());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Unhealthy_when_the_key_table_fails_its_integrity_check_also_while_the_keys_verified_before_stay_in_use(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(Start);
        await using var app = await PeopleApp.CreateAsync(database, masterKey, time, createTables: true);
        await app.Keys.InitializeAsync(None);
        await app.Lifecycle.RotateAsync();
        Assert.Equal(HealthStatus.Healthy, (await app.HealthAsync()).Status);

        // Re-statused with raw SQL: the running instance notices at its next read and keeps the keys it verified.
        await database.ExecuteAsync("UPDATE columncrypto_data_keys SET status = 1 WHERE version = 2");
        await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => app.Keys.RefreshAsync(None));
        var running = await app.HealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, running.Status);
        Assert.StartsWith("The key table failed its integrity check: ", running.Description, StringComparison.Ordinal);
        Assert.Contains("version 2 is retired, but the ring head records it as active", running.Description, StringComparison.Ordinal);
        Assert.IsType<ColumnCryptoKeyRingException>(running.Exception);
        Assert.Equal(2, running.Data["newestKeyVersion"]);

        // A restarted instance holds no key at all.
        await using var restarted = await PeopleApp.CreateAsync(database, masterKey, time);
        await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => restarted.Keys.InitializeAsync(None));
        var entry = await restarted.HealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("integrity check", entry.Description, StringComparison.Ordinal);
        Assert.False(entry.Data.ContainsKey("newestKeyVersion"));
    }

    [Fact]
    public async Task Unhealthy_when_the_data_keys_do_not_unwrap_under_the_configured_master_key()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        using var masterKey = new MasterKeyFile();
        using var otherKey = new MasterKeyFile();
        var time = new FakeTimeProvider(Start);
        await using (var app = await PeopleApp.CreateAsync(database, masterKey, time, createTables: true))
        {
            await app.Keys.InitializeAsync(None);
        }

        await using var wrongKey = await PeopleApp.CreateAsync(database, otherKey, time);
        await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => wrongKey.Keys.InitializeAsync(None));
        var entry = await wrongKey.HealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith("Data keys cannot be unwrapped or verified: ", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(otherKey.Bytes), entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(masterKey.Bytes), entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Degraded_while_rollovers_fail_and_healthy_again_once_one_succeeds()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(Start);
        await using var app = await PeopleApp.CreateAsync(database, masterKey, time, createTables: true);
        await app.Keys.InitializeAsync(None);

        // The key table stops taking new keys (the database refuses the insert): the due rollover fails, the keys stay.
        await database.ExecuteAsync("CREATE TRIGGER refuse_keys BEFORE INSERT ON columncrypto_data_keys BEGIN SELECT RAISE(FAIL, 'the database is read-only'); END");
        time.Advance(TimeSpan.FromDays(366));
        await Assert.ThrowsAnyAsync<Exception>(() => app.Keys.RollOverIfDueAsync(None));
        var failing = await app.HealthAsync();
        Assert.Equal(HealthStatus.Degraded, failing.Status);
        Assert.StartsWith("The latest data key rollover check failed: ", failing.Description, StringComparison.Ordinal);
        Assert.Contains("the database is read-only", failing.Exception?.ToString(), StringComparison.Ordinal);
        Assert.Equal(time.GetUtcNow(), failing.Data["rolloverFailedAt"]);

        await database.ExecuteAsync("DROP TRIGGER refuse_keys");
        Assert.Equal(2, await app.Keys.RollOverIfDueAsync(None));
        var entry = await app.HealthAsync();
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(2, entry.Data["newestKeyVersion"]);
    }

    [Fact]
    public async Task Degraded_while_the_database_refuses_connections_and_the_keys_verified_before_stay_in_use()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(Start);
        await using var app = await PeopleApp.CreateAsync(database, masterKey, time, createTables: true);
        await app.Keys.InitializeAsync(None);
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        async Task AdminAsync(string sql)
        {
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand(sql, admin);
            await command.ExecuteNonQueryAsync();
        }

        // The database goes away for this application: new connections refused, open ones terminated.
        await AdminAsync($"ALTER DATABASE {name} ALLOW_CONNECTIONS false");
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
        try
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => app.Keys.RefreshAsync(None));
            var entry = await app.HealthAsync();
            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.StartsWith("The latest read of the key table failed (database or KMS unreachable?): ", entry.Description, StringComparison.Ordinal);
            Assert.Contains("The keys verified before stay in use (data key version 1", entry.Description, StringComparison.Ordinal);
            Assert.Equal(time.GetUtcNow(), entry.Data["loadFailedAt"]);
            Assert.Equal("person1@example.com", app.Encryptor.Decrypt<string>(PeopleApp.Email, app.Encryptor.Encrypt(PeopleApp.Email, "person1@example.com")));
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE {name} ALLOW_CONNECTIONS true");
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(database.ConnectionString));
        await app.Keys.RefreshAsync(None);
        Assert.Equal(HealthStatus.Healthy, (await app.HealthAsync()).Status);
    }

    [Fact]
    public async Task Unhealthy_when_the_key_table_is_gone()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await PeopleApp.CreateAsync(database, masterKey, new FakeTimeProvider(Start), createTables: true);
        await app.Keys.InitializeAsync(None);

        await database.ExecuteAsync("ALTER TABLE columncrypto_data_keys RENAME TO columncrypto_data_keys_away");
        await Assert.ThrowsAnyAsync<ColumnCryptoKeyException>(() => app.Keys.RefreshAsync(None));
        var entry = await app.HealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("columncrypto_data_keys", entry.Description, StringComparison.Ordinal);
    }
}
