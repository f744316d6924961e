using ColumnCrypto.Dapper;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys.Lifecycle;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ColumnCrypto.FunctionalTests.Data;

/// <summary>
/// A Dapper application: typed column handles, <see cref="Encrypted{T}"/> parameters and result properties, and one
/// call (<c>AddDapperColumns</c>) that records the columns for re-encryption and the tool.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class DapperTests(PostgresServer postgres)
{
    private static readonly EncryptedColumn<string> Email = new("members", "email", "id");
    private static readonly EncryptedColumn<decimal> Balance = new("members", "balance", "id");
    private static readonly EncryptedColumn<DateOnly?> Birthday = new("members", "birthday", ["id"], EncryptedStorage.Base64Text);

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Values_round_trip_through_Dapper_and_the_columns_are_recorded_and_re_encrypted(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var crypto = database.ColumnCryptoDatabase();
        await ColumnCryptoSchema.CreateMissingTablesAsync(crypto);
        var binary = provider == Provider.PostgreSql ? "bytea" : "BLOB";
        await database.ExecuteAsync($"CREATE TABLE members (id integer PRIMARY KEY, email {binary} NOT NULL, balance {binary} NOT NULL, birthday text)");

        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path)
            .UseSqlKeyStore(crypto)
            .AddDapperColumns(Email, Balance, Birthday)
            .AddReencryption(o => o.PauseBetweenBatches = 0);
        await using var app = services.BuildServiceProvider();
        foreach (var service in app.GetServices<IHostedService>().Where(s => s is not ReencryptionService))
        {
            await service.StartAsync(CancellationToken.None); // key loading, and recording the columns
        }

        var encryptor = app.GetRequiredService<ColumnEncryptor>();
        await using (var connection = database.OpenConnection())
        {
            for (var id = 1; id <= 30; id++)
            {
                await connection.ExecuteAsync("INSERT INTO members (id, email, balance, birthday) VALUES (@Id, @Email, @Balance, @Birthday)", new
                {
                    Id = id,
                    Email = encryptor.Encrypt(Email, $"member{id}@example.com"),
                    Balance = encryptor.Encrypt(Balance, id * 1.5m),
                    Birthday = encryptor.Encrypt(Birthday, id % 2 == 0 ? new DateOnly(1990, 1, id % 28 + 1) : null),
                });
            }
        }

        // Stored as ciphertext: binary, and base64 text for the text column; SQL NULL stays NULL.
        Assert.Equal(15L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM members WHERE birthday IS NULL"), System.Globalization.CultureInfo.InvariantCulture));
        var storedText = (string)(await database.ScalarAsync("SELECT birthday FROM members WHERE id = 2"))!;
        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(Convert.FromBase64String(storedText)));

        // Recorded in the background when the host starts.
        IReadOnlyList<EncryptedColumnRegistration> registry = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(30); registry.Count < 3 && DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            registry = await app.GetRequiredService<EncryptedColumnRegistry>().GetColumnsAsync();
        }

        Assert.Equal(["balance", "birthday", "email"], registry.Where(r => r.Table == "members").Select(r => r.Column).Order());
        Assert.Equal(EncryptedStorage.Base64Text, registry.Single(r => r.Column == "birthday").Storage);

        // Rotation, then background-style re-encryption of the recorded columns: Dapper still reads every value.
        Assert.Equal(2, await app.GetRequiredService<DataKeyLifecycle>().RotateAsync());
        var result = await app.GetRequiredService<ColumnReencryptor>().RunAsync();
        Assert.True(result.Complete, string.Join("; ", result.Columns));
        Assert.Equal(75, result.Reencrypted);

        await using (var connection = database.OpenConnection())
        {
            var rows = (await connection.QueryAsync<Member>("SELECT id, email, balance, birthday FROM members ORDER BY id")).ToList();
            Assert.Equal(30, rows.Count);
            Assert.All(rows, r => Assert.Equal(2, r.Email!.KeyVersion));
            Assert.Equal("member7@example.com", encryptor.Decrypt(Email, rows[6].Email));
            Assert.Equal(10.5m, encryptor.Decrypt(Balance, rows[6].Balance));
            Assert.Null(encryptor.Decrypt(Birthday, rows[6].Birthday));
            Assert.Equal(new DateOnly(1990, 1, 9), encryptor.Decrypt(Birthday, rows[7].Birthday));
            Assert.Equal("Encrypted<String>(key version 2, 54 bytes)", rows[6].Email!.ToString());

            // The column is bound into each value: one column's value does not decrypt as another's.
            Assert.Throws<ColumnDecryptionException>(() => encryptor.Decrypt(Email, new Encrypted<string>(rows[6].Balance!.Ciphertext.ToArray())));
        }
    }

    public sealed class Member
    {
        public int Id { get; set; }

        public Encrypted<string>? Email { get; set; }

        public Encrypted<decimal>? Balance { get; set; }

        public Encrypted<DateOnly?>? Birthday { get; set; }
    }
}
