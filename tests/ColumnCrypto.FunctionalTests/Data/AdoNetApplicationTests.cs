using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.FunctionalTests.Data;

/// <summary>
/// An application with no DbContext at all (Dapper, plain ADO.NET): ColumnCrypto.Data creates its tables, keeps the
/// keys in the database, and re-encrypts and retires with the same guarantees as for EF Core applications.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class AdoNetApplicationTests(PostgresServer postgres)
{
    private static readonly EncryptedColumn Email = new("people", "email");

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static ServiceProvider Application(ColumnCryptoDatabase database, MasterKeyFile masterKey, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        // No pause between batches: the fake clock of the retirement test would never end it.
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseSqlKeyStore(database).AddReencryption(o => o.PauseBetweenBatches = 0).WithoutHostedService();
        return services.BuildServiceProvider();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Keys_registry_re_encryption_and_retirement_work_without_EF_Core(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var crypto = database.ColumnCryptoDatabase();
        Assert.Equal(6, (await ColumnCryptoSchema.CreateMissingTablesAsync(crypto)).Count);
        await database.ExecuteAsync("CREATE TABLE people (id integer PRIMARY KEY, email " + (provider == Provider.PostgreSql ? "bytea" : "BLOB") + ")");

        await using var app = Application(crypto, masterKey, time);
        var encryptor = app.GetRequiredService<ColumnEncryptor>();
        await app.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);
        for (var id = 1; id <= 20; id++)
        {
            await database.ExecuteAsync("INSERT INTO people (id, email) VALUES (@id, @email)", ("@id", id), ("@email", encryptor.Encrypt(Email, $"person{id}@example.com")));
        }

        await app.GetRequiredService<EncryptedColumnRegistry>().RegisterAsync(
            EncryptedColumnRegistration.For<string>(Email, null, "people", "email", ["id"]));

        var lifecycle = app.GetRequiredService<DataKeyLifecycle>();
        Assert.Equal(2, await lifecycle.RotateAsync());
        var result = await app.GetRequiredService<ColumnReencryptor>().RunAsync();
        Assert.Equal(20, result.Reencrypted);
        Assert.True(result.Complete);

        time.Advance(TimeSpan.FromHours(2));
        await lifecycle.RetireAsync(1);
        var keys = (await app.GetRequiredService<IDataKeyStore>().ReadAsync(CancellationToken.None)).Rows;
        Assert.Equal([DataKeyStatus.Retired, DataKeyStatus.Active], keys.Select(k => k.Status));
        var stored = (byte[])(await database.ScalarAsync("SELECT email FROM people WHERE id = 7"))!;
        Assert.Equal(2, ColumnEncryptor.GetKeyVersion(stored));
        Assert.Equal("person7@example.com", encryptor.Decrypt<string>(Email, stored));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_key_table_write_is_conditional_on_what_was_read(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var crypto = database.ColumnCryptoDatabase();
        await ColumnCryptoSchema.CreateMissingTablesAsync(crypto);
        await using var app = Application(crypto, masterKey);
        var store = app.GetRequiredService<IDataKeyStore>();
        await app.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);
        var before = await store.ReadAsync(CancellationToken.None);
        var row = Assert.Single(before.Rows);
        var generation = before.Head!.Generation;
        KeyRingHead Head(long g) => new()
        {
            Generation = g,
            Manifest = $"manifest {g}",
            Mac = [1, 2, 3],
            RingKeyWrappingProvider = "local",
            RingKeyWrappingKeyId = "ring-key",
            WrappedRingKey = [4, 5, 6],
            UpdatedAt = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero),
        };
        var destroy = new KeyRowChange(1, DataKeyStatus.Active) { Status = DataKeyStatus.Destroyed, WipeWrappedKey = true };

        // Each condition that fails writes nothing, neither the head nor any row of the change.
        Assert.False(await store.TryApplyAsync(new KeyRingUpdate(Head(generation), generation - 1) { Changes = [destroy] }, CancellationToken.None));
        Assert.False(await store.TryApplyAsync(new KeyRingUpdate(Head(1), 0) { Changes = [destroy] }, CancellationToken.None));
        Assert.False(await store.TryApplyAsync(new KeyRingUpdate(Head(generation + 1), generation) { Insert = row }, CancellationToken.None));
        Assert.False(await store.TryApplyAsync(new KeyRingUpdate(Head(generation + 1), generation)
        {
            Changes = [destroy, new KeyRowChange(1, DataKeyStatus.Retired) { Status = DataKeyStatus.Active }],
        }, CancellationToken.None));
        var unchanged = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(generation, unchanged.Head!.Generation);
        Assert.Equal(before.Head.Mac, unchanged.Head.Mac);
        Assert.Equal(DataKeyStatus.Active, Assert.Single(unchanged.Rows).Status);
        Assert.Equal(row.WrappedKey, unchanged.Rows[0].WrappedKey);

        Assert.Equal(row.EncryptionCount + 10, await store.ReserveEncryptionsAsync(1, 10, CancellationToken.None));
        Assert.False(await store.TryUpdateWrappingAsync(1, "not-the-wrapping-key", "local", "x", [1], CancellationToken.None));
        Assert.True(await store.TryApplyAsync(new KeyRingUpdate(Head(generation + 1), generation) { Changes = [destroy] }, CancellationToken.None));

        var after = await store.ReadAsync(CancellationToken.None);
        Assert.Equivalent(Head(generation + 1), after.Head, strict: true);
        var destroyed = Assert.Single(after.Rows);
        Assert.Equal(DataKeyStatus.Destroyed, destroyed.Status);
        Assert.Empty(destroyed.WrappedKey);
        Assert.Equal(row.Commitment, destroyed.Commitment);
        Assert.Equal(row.CreatedAt, destroyed.CreatedAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_database_without_the_key_table_says_how_to_create_it(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = Application(database.ColumnCryptoDatabase(), masterKey);

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => app.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None));

        Assert.Contains("no data key table (columncrypto_data_keys)", error.Message, StringComparison.Ordinal);
        Assert.Contains("ColumnCryptoSchema.CreateMissingTablesAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renamed_key_table_in_a_schema_is_created_and_used_there_with_the_other_tables()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        var crypto = database.ColumnCryptoDatabase("crypto", "data_keys");

        var created = await ColumnCryptoSchema.CreateMissingTablesAsync(crypto);
        await using var app = Application(crypto, masterKey);
        await app.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);

        Assert.Equal(["crypto.data_keys", "crypto.columncrypto_encrypted_columns", "crypto.columncrypto_reencryption_progress", "crypto.columncrypto_key_ring", "crypto.columncrypto_blind_indexes", "crypto.columncrypto_blind_index_keys"], created);
        Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM crypto.data_keys"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
