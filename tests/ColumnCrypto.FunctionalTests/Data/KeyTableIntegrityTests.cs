using System.Globalization;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.Data;

/// <summary>
/// The key table attacked from outside with raw SQL, on real PostgreSQL and SQLite, and the application restarted after
/// each: a deleted, re-statused, added or duplicated key row, an unknown status, an emptied table, a deleted ring head
/// and a negative encryption count are refused at load with a message naming the key table and what is inconsistent,
/// and no key is minted after the tamper (even with a rollover due). Legitimate changes keep the ring valid.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class KeyTableIntegrityTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Each attack: its raw SQL, and what the refusal must name.</summary>
    public static TheoryData<Provider, string, string[], string[]> Attacks()
    {
        var attacks = new (string Name, string[] Sql, string[] Problems)[]
        {
            ("newest key deleted", ["DELETE FROM columncrypto_data_keys WHERE version = 2"],
                ["version 2 is missing (the ring head records it as active): deleted"]),
            ("newest key retired", ["UPDATE columncrypto_data_keys SET status = 1 WHERE version = 2"],
                ["version 2 is retired, but the ring head records it as active: re-statused"]),
            ("unknown status 99", ["UPDATE columncrypto_data_keys SET status = 99 WHERE version = 2"],
                ["version 2 has status 99, which ColumnCrypto never writes"]),
            ("every key retired", ["UPDATE columncrypto_data_keys SET status = 1"],
                ["version 1 is retired, but the ring head records it as active", "version 2 is retired, but the ring head records it as active"]),
            // A copy of version 1's row as version 3: its wrapping would not even unwrap for version 3.
            ("key row added", [
                "INSERT INTO columncrypto_data_keys (version, created_at, roll_over_at, status, wrapping_provider, wrapping_key_id, wrapped_key, commitment, encryption_count) " +
                "SELECT 3, created_at, roll_over_at, status, wrapping_provider, wrapping_key_id, wrapped_key, commitment, encryption_count FROM columncrypto_data_keys WHERE version = 1"],
                ["version 3 is not in the ring head: added"]),
            ("key table emptied", ["DELETE FROM columncrypto_data_keys"], ["version 1 is missing", "version 2 is missing"]),
            // The head and the newest row deleted together: the remaining row was committed under a ring head.
            ("ring head deleted", ["DELETE FROM columncrypto_key_ring", "DELETE FROM columncrypto_data_keys WHERE version = 2"],
                ["version 1 was written under a ring head, but the table has none any more"]),
            ("negative encryption count", ["UPDATE columncrypto_data_keys SET encryption_count = -1000000000000000 WHERE version = 2"],
                ["version 2 has encryption_count -1000000000000000, below zero"]),
        };
        var data = new TheoryData<Provider, string, string[], string[]>();
        foreach (var provider in new[] { Provider.PostgreSql, Provider.Sqlite })
        {
            foreach (var (name, sql, problems) in attacks)
            {
                data.Add(provider, name, sql, problems);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_key_table_changed_with_raw_SQL_is_refused_at_restart_naming_each_inconsistency_and_mints_no_key(Provider provider, string attack, string[] sql, string[] problems)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = await SeedTwoVersionsAsync(database, masterKey);

        foreach (var statement in sql)
        {
            await database.ExecuteAsync(statement);
        }

        await AssertRestartRefusedAsync(database, masterKey, clock, attack, problems);
    }

    [Fact]
    public async Task Duplicated_key_row_is_refused_at_restart()
    {
        // Only a table without its primary key can hold a duplicate: PostgreSQL lets an attacker drop it.
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = await SeedTwoVersionsAsync(database, masterKey);

        await database.ExecuteAsync("ALTER TABLE columncrypto_data_keys DROP CONSTRAINT \"PK_columncrypto_data_keys\"");
        await database.ExecuteAsync("INSERT INTO columncrypto_data_keys SELECT * FROM columncrypto_data_keys WHERE version = 2");

        await AssertRestartRefusedAsync(database, masterKey, clock, "key row duplicated", "version 2 appears 2 times");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Altered_ring_head_is_refused_at_restart(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = await SeedTwoVersionsAsync(database, masterKey);

        // Version 2 deleted from the table and from the head's manifest: the head no longer authenticates.
        await database.ExecuteAsync("DELETE FROM columncrypto_data_keys WHERE version = 2");
        var manifest = (string)(await database.ScalarAsync("SELECT manifest FROM columncrypto_key_ring"))!;
        var shortened = string.Join('\n', manifest.Split('\n').Where(line => !line.StartsWith("columncrypto-data-key 2 ", StringComparison.Ordinal)));
        var parameter = provider == Provider.PostgreSql ? "@m" : "$m";
        await database.ExecuteAsync($"UPDATE columncrypto_key_ring SET manifest = {parameter}", (parameter, shortened));

        await AssertRestartRefusedAsync(database, masterKey, clock, "ring head altered", "the ring head does not authenticate under its ring key");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Emptied_key_table_and_ring_head_create_no_first_key_over_the_existing_values(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = await SeedTwoVersionsAsync(database, masterKey);

        await database.ExecuteAsync("DELETE FROM columncrypto_data_keys");
        await database.ExecuteAsync("DELETE FROM columncrypto_key_ring");
        await database.ExecuteAsync("DELETE FROM columncrypto_encrypted_columns");

        // The registry is emptied too: the check counts the model's columns itself.
        await using var app = CryptoApp.Create(database, masterKey, clock);
        var error = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => app.Keys.InitializeAsync(None));
        Assert.Contains("The key table columncrypto_data_keys has no key, but encrypted columns already hold values: customers.Balance", error.Message, StringComparison.Ordinal);
        Assert.Contains("customers.Email (2 values under key version(s) 1, 2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("and 7 more columns", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore it (and its ring head) from a backup", error.Message, StringComparison.Ordinal);
        Assert.Contains($"columncrypto new-key-ring --confirm \"{DataKeyLifecycle.NewKeyRingConfirmation}\"", error.Message, StringComparison.Ordinal);
        Assert.Throws<ColumnCryptoRefusedException>(() => app.Encryptor.Encrypt(new EncryptedColumn("customers", "Email"), "x"));
        await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => app.Keys.RollOverAsync(None));
        Assert.Equal("0/0", await KeyRowsAsync(database));

        // The one confirmed action: the new ring starts above every version the values name.
        var lifecycle = app.Services.GetRequiredService<DataKeyLifecycle>();
        await Assert.ThrowsAsync<ArgumentException>(() => lifecycle.StartNewKeyRingAsync("yes"));
        Assert.Equal(3, await lifecycle.StartNewKeyRingAsync(DataKeyLifecycle.NewKeyRingConfirmation));
        await using var context = app.NewContext();
        var old = await Assert.ThrowsAsync<ColumnDecryptionException>(() => context.Customers.FirstAsync());
        Assert.Contains("key version 1 is not in the data key table", old.Message, StringComparison.Ordinal);
        await using var restarted = CryptoApp.Create(database, masterKey, clock);
        await restarted.Keys.InitializeAsync(None);
        Assert.Equal(3, await restarted.Keys.GetCurrentVersionAsync(None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_running_application_keeps_its_verified_ring_and_creates_no_key_when_the_table_is_tampered_with(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        await using var app = await CryptoApp.StartAsync(database, masterKey, clock);
        await app.Keys.RollOverAsync(None);
        var email = new EncryptedColumn("customers", "Email");
        var underV2 = app.Encryptor.Encrypt(email, "under v2")!;

        await database.ExecuteAsync("DELETE FROM columncrypto_data_keys WHERE version = 2");
        clock.Advance(TimeSpan.FromDays(400));

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => app.Keys.RollOverIfDueAsync(None));
        Assert.Contains("version 2 is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("a running application keeps the keys it verified before", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, ColumnEncryptor.GetKeyVersion(app.Encryptor.Encrypt(email, "still v2")));
        Assert.Equal("under v2", app.Encryptor.Decrypt<string>(email, underV2));
        Assert.Equal("1/1", await KeyRowsAsync(database));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rotate_retire_reactivate_and_destroy_keep_the_ring_valid_across_restarts(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        await using (var app = await CryptoApp.StartAsync(database, masterKey, clock))
        {
            var lifecycle = app.Services.GetRequiredService<DataKeyLifecycle>();
            await using (var context = app.NewContext())
            {
                context.Suppliers.Add(new Supplier { Email = "under v1" });
                await context.SaveChangesAsync();
            }

            await app.Services.GetRequiredService<ColumnCrypto.Data.Registry.EncryptedColumnRegistry>().RegisterAsync(
                await app.Services.GetServices<ColumnCrypto.Data.Registry.IEncryptedColumnRecorder>().Single().GetColumnsAsync(None));
            Assert.Equal(2, await lifecycle.RotateAsync());
            await database.ExecuteAsync("DELETE FROM suppliers");
            clock.Advance(TimeSpan.FromHours(2));
            await lifecycle.RetireAsync(1);
            await lifecycle.ReactivateAsync(1);
            await lifecycle.RetireAsync(1);
            await lifecycle.DestroyAsync(1, DataKeyLifecycle.DestroyConfirmation(1));
            Assert.Equal(3, await lifecycle.RotateAsync());
        }

        await using var restarted = CryptoApp.Create(database, masterKey, clock);
        await restarted.Keys.InitializeAsync(None);
        Assert.Equal(3, await restarted.Keys.GetCurrentVersionAsync(None));
        // One head per change: create v1, rotate, retire, reactivate, retire, destroy, rotate.
        Assert.Equal(7L, Convert.ToInt64(await database.ScalarAsync("SELECT generation FROM columncrypto_key_ring"), CultureInfo.InvariantCulture));
        Assert.Equal(
            ["destroyed", "active", "active"],
            (await restarted.Keys.GetKeysAsync(None)).Select(k => k.Status.ToString().ToLowerInvariant()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Two_hundred_reads_of_a_forged_newest_plus_one_value_read_the_key_table_at_most_once(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        await using var app = await CryptoApp.StartAsync(database, masterKey, clock);
        int id;
        await using (var context = app.NewContext())
        {
            var supplier = new Supplier { Email = "real" };
            context.Suppliers.Add(supplier);
            await context.SaveChangesAsync();
            id = supplier.Id;
        }

        // Whoever can write one cell names version 2 (newest + 1) in its header.
        var stored = (byte[])(await database.ScalarAsync("SELECT \"Email\" FROM suppliers"))!;
        stored[6] = 2;
        var parameter = provider == Provider.PostgreSql ? "@v" : "$v";
        await database.ExecuteAsync($"UPDATE suppliers SET \"Email\" = {parameter}", (parameter, stored));
        var metrics = app.Services.GetRequiredService<ColumnCryptoMetrics>();
        using var loads = new MetricCollector<long>(metrics.Meter, "columncrypto.keyring.loads");

        for (var i = 0; i < 200; i++)
        {
            await using var context = app.NewContext();
            var error = await Assert.ThrowsAsync<ColumnDecryptionException>(() => context.Suppliers.SingleAsync(s => s.Id == id));
            Assert.Equal(2, error.KeyVersion);
        }

        Assert.Equal(1, loads.GetMeasurementSnapshot().Sum(m => m.Value));

        // After the interval, one more look (a rollover by another instance would be found then).
        clock.Advance(TimeSpan.FromSeconds(31));
        await using (var context = app.NewContext())
        {
            await Assert.ThrowsAsync<ColumnDecryptionException>(() => context.Suppliers.SingleAsync(s => s.Id == id));
        }

        Assert.Equal(2, loads.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_refused_reservation_stops_encryption_at_what_was_reserved_and_mints_no_key(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var clock = new FakeTimeProvider(Start);
        var email = new EncryptedColumn("customers", "Email");
        await using (var app = await CryptoApp.StartAsync(database, masterKey, clock, o => o.Schedule.MaxEncryptionsPerKey = 100_000))
        {
            await RefuseReservationsAsync(database);

            var (encrypted, error) = EncryptUntilRefused(app, email, 400_000);

            // Version 1 was created with one block reserved for this process (half the bound when the bound is below two
            // blocks: 50,000): not one encryption more.
            Assert.Equal(50_000, encrypted);
            Assert.Contains("Cannot encrypt with data key version 1: this process has used every encryption it reserved in the key table columncrypto_data_keys", error, StringComparison.Ordinal);
            Assert.Contains("reservations refused", error, StringComparison.Ordinal);
            Assert.Equal(50_000L, Convert.ToInt64(await database.ScalarAsync("SELECT encryption_count FROM columncrypto_data_keys"), CultureInfo.InvariantCulture));
        }

        await using var restarted = CryptoApp.Create(database, masterKey, clock, o => o.Schedule.MaxEncryptionsPerKey = 100_000);
        await restarted.Keys.InitializeAsync(None);
        Assert.Equal(0, EncryptUntilRefused(restarted, email, 1_000).Encrypted);
        Assert.Equal("1/1", await KeyRowsAsync(database));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_count_lowered_while_the_application_runs_stops_encryption_under_the_key(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var email = new EncryptedColumn("customers", "Email");
        await using var app = await CryptoApp.StartAsync(database, masterKey);

        await database.ExecuteAsync("UPDATE columncrypto_data_keys SET encryption_count = 0");
        var (encrypted, error) = EncryptUntilRefused(app, email, 200_000);

        // The next reservation (at half the block) finds the count lower than this process saw: nothing more is encrypted.
        Assert.InRange(encrypted, 32_768, 65_536);
        Assert.Contains("The encryption count of data key version 1 in the key table columncrypto_data_keys went down from 65536 (seen by this process) to 0", error, StringComparison.Ordinal);
        Assert.Equal("1/1", await KeyRowsAsync(database));
    }

    /// <summary>
    /// Encrypts up to <paramref name="attempts"/> values; after the first refusal it tries 1,000 more (which must all be
    /// refused too) and stops, rather than paying for every remaining exception.
    /// </summary>
    private static (int Encrypted, string Error) EncryptUntilRefused(CryptoApp app, EncryptedColumn column, int attempts)
    {
        var encrypted = 0;
        string? error = null;
        var refusedSince = 0;
        for (var i = 0; i < attempts && refusedSince <= 1_000; i++)
        {
            try
            {
                app.Encryptor.Encrypt(column, i);
                encrypted++;
                Assert.True(error is null, $"value {i} was encrypted after a refusal ({error})");
            }
            catch (ColumnCryptoKeyException e)
            {
                error ??= e.Message;
                refusedSince++;
            }
        }

        return (encrypted, error ?? "");
    }

    private static Task RefuseReservationsAsync(TestDatabase database) => database.Provider == Provider.PostgreSql
        ? database.ExecuteAsync("""
            CREATE FUNCTION refuse_reservations() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'reservations refused'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_reservations BEFORE UPDATE OF encryption_count ON columncrypto_data_keys FOR EACH ROW EXECUTE FUNCTION refuse_reservations();
            """)
        : database.ExecuteAsync("""
            CREATE TRIGGER refuse_reservations BEFORE UPDATE OF encryption_count ON columncrypto_data_keys
            BEGIN SELECT RAISE(ABORT, 'reservations refused'); END;
            """);

    /// <summary>An application that wrote a value under version 1, rotated, and wrote one under version 2; then stopped.</summary>
    private static async Task<FakeTimeProvider> SeedTwoVersionsAsync(TestDatabase database, MasterKeyFile masterKey)
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await CryptoApp.StartAsync(database, masterKey, clock);
        foreach (var email in new[] { "under v1", "under v2" })
        {
            await using var context = app.NewContext();
            context.Customers.Add(new Customer { Email = email });
            await context.SaveChangesAsync();
            if (email == "under v1")
            {
                await app.Keys.RollOverAsync(None);
            }
        }

        return clock;
    }

    /// <summary>
    /// A restarted application refuses the key table (naming it and each <paramref name="problems"/> entry), also when a
    /// rollover is due, on first use and on an operator's rotate; afterwards the table holds exactly the rows it held.
    /// </summary>
    private static async Task AssertRestartRefusedAsync(TestDatabase database, MasterKeyFile masterKey, FakeTimeProvider clock, string attack, params string[] problems)
    {
        var before = await KeyRowsAsync(database);
        clock.Advance(TimeSpan.FromDays(400));
        await using var app = CryptoApp.Create(database, masterKey, clock);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => app.Keys.InitializeAsync(None));
        Assert.Contains("The key table columncrypto_data_keys failed its integrity check", error.Message, StringComparison.Ordinal);
        Assert.Equal("columncrypto_data_keys", error.KeyTable);
        foreach (var problem in problems)
        {
            Assert.True(error.Problems.Any(p => p.Contains(problem, StringComparison.Ordinal)), $"{attack}: '{problem}' not in {error.Message}");
        }

        Assert.Throws<ColumnCryptoKeyRingException>(() => app.Encryptor.Encrypt(new EncryptedColumn("customers", "Email"), "x"));
        await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => app.Keys.RollOverAsync(None));
        await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => app.Services.GetRequiredService<DataKeyLifecycle>().RotateAsync());
        Assert.True(before == await KeyRowsAsync(database), $"{attack}: a key was minted after the tamper");
    }

    /// <summary>The key rows as "count/highest version": what a minted key would change.</summary>
    private static async Task<string> KeyRowsAsync(TestDatabase database) =>
        $"{Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM columncrypto_data_keys"), CultureInfo.InvariantCulture)}/" +
        $"{Convert.ToInt64(await database.ScalarAsync("SELECT COALESCE(max(version), 0) FROM columncrypto_data_keys"), CultureInfo.InvariantCulture)}";
}
