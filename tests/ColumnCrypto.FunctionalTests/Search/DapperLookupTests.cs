using ColumnCrypto.Dapper;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Search;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>
/// Hand-written SQL (Dapper) stores and looks up a searchable value through a searchable column handle; recorded with
/// AddDapperColumns, the column's index is covered by the index build and verification like an EF column's.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class DapperLookupTests(PostgresServer postgres)
{
    private static readonly EncryptedColumn<string> Email = new EncryptedColumn<string>("members", "email", "id").Searchable(normalization: BlindIndexNormalization.CaseInsensitive);

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private sealed class Member
    {
        public int Id { get; set; }

        public Encrypted<string>? Email { get; set; }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WHERE_email_bidx_equals_the_index_of_the_value_finds_the_row(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var crypto = database.ColumnCryptoDatabase();
        await ColumnCryptoSchema.CreateMissingTablesAsync(crypto);
        var binary = provider == Provider.PostgreSql ? "bytea" : "BLOB";
        await database.ExecuteAsync($"CREATE TABLE members (id integer PRIMARY KEY, email {binary} NOT NULL, email_bidx {binary} NOT NULL UNIQUE)");

        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseSqlKeyStore(crypto).AddDapperColumns(Email).WithoutHostedService();
        await using var app = services.BuildServiceProvider();
        await app.GetRequiredService<ColumnCrypto.Keys.IDataKeyManager>().InitializeAsync(CancellationToken.None);
        var encryptor = app.GetRequiredService<ColumnEncryptor>();
        var index = app.GetRequiredService<BlindIndex>();

        await using var connection = database.OpenConnection();
        foreach (var (id, email) in new[] { (1, "ada@example.com"), (2, "Bob@Example.com"), (3, "cy@example.com") })
        {
            await connection.ExecuteAsync("INSERT INTO members (id, email, email_bidx) VALUES (@Id, @Email, @Index)",
                new { Id = id, Email = encryptor.Encrypt(Email, email), Index = index.IndexFor(Email, email) });
        }

        // One index key: the value's index is its only lookup value.
        var bob = await connection.QuerySingleAsync<Member>("SELECT id, email FROM members WHERE email_bidx = @h", new { h = index.IndexFor(Email, "bob@example.com") });
        Assert.Equal(2, bob.Id);
        Assert.Equal("Bob@Example.com", encryptor.Decrypt(Email, bob.Email!));

        // Every active index key version (during an index-key rebuild there are two): an array on PostgreSQL, a list Dapper expands on SQLite.
        var anyOf = provider == Provider.PostgreSql ? "= ANY(@h)" : "IN @h";
        var found = await connection.QueryAsync<int>($"SELECT id FROM members WHERE email_bidx {anyOf} ORDER BY id",
            new { h = index.LookupFor(Email, "ADA@example.com").Concat(index.LookupFor(Email, "cy@example.com")).ToArray() });
        Assert.Equal([1, 3], found);
        Assert.Empty(await connection.QueryAsync<int>("SELECT id FROM members WHERE email_bidx = @h", new { h = index.IndexFor(Email, "zed@example.com") }));

        // The unique index on email_bidx refuses a second member with the same (normalized) e-mail.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync("INSERT INTO members (id, email, email_bidx) VALUES (4, @Email, @Index)",
            new { Email = encryptor.Encrypt(Email, "ada@EXAMPLE.com"), Index = index.IndexFor(Email, "ada@EXAMPLE.com") }));
    
        // Recorded by AddDapperColumns: the tool's index build and verify see the column and its three indexes.
        await app.GetRequiredService<ColumnCrypto.Data.Registry.EncryptedColumnRecording>().RecordAllAsync(CancellationToken.None);
        var coverage = Assert.Single(await ColumnCrypto.Data.BlindIndexes.BlindIndexBuilder.Create(crypto, app).GetCoverageAsync());
        Assert.Equal(("members", "email", 3L, 0L), (coverage.Table, coverage.Column, coverage.On(index.WriteVersion), coverage.Missing));
        Assert.Throws<InvalidOperationException>(() => index.IndexFor(new EncryptedColumn<string>("members", "email", "id"), "x"));
    }
}
