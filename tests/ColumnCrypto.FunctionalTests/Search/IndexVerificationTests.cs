using ColumnCrypto.Data.Verification;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Search;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>
/// Verification checks every row's blind index against its decrypted value, and reports rows written around the
/// application by table, column, row and kind, never with a value or an index.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class IndexVerificationTests(PostgresServer postgres)
{
    private const int Rows = 40;

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static async Task SeedAsync(DirectoryApp app)
    {
        await using var context = app.NewContext();
        context.People.AddRange(Enumerable.Range(1, Rows).Select(i => new Person
        {
            Id = i, Name = $"p{i:D3}", Email = $"p{i}@example.com", Login = $" P.{i} ", Score = i % 5, NationalId = Guid.NewGuid(),
            Birthday = new DateOnly(1980, 1, 1).AddDays(i), Balance = i + 0.50m, Tier = i % 2 == 0 ? Tier.Basic : Tier.Gold, Code = $"C-{i}", Secret = "s",
        }));
        await context.SaveChangesAsync();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_table_written_only_through_EF_verifies_clean_with_every_index_checked(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        using var keys = DirectoryApp.KeysV1();
        await using var app = await DirectoryApp.StartAsync(database, masterKey, keys);
        await SeedAsync(app);

        var results = await app.VerifyAsync();

        Assert.All(results, r => Assert.Empty(r.Failures));
        Assert.All(results, r => Assert.Equal(0, r.FailedCount + r.IndexFailedCount + r.IndexPending));
        var email = Assert.Single(results, r => r.Table == "people" && r.Column == "Email");
        Assert.Equal("Email_bidx", email.IndexColumn);
        Assert.Equal(Rows, email.IndexesChecked);
        Assert.Equal(Rows, Assert.Single(results, r => r.Column == "Code").IndexesChecked);
        var secret = Assert.Single(results, r => r.Column == "Secret");
        Assert.Null(secret.IndexColumn);
        Assert.Equal(0, secret.IndexesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_written_around_EF_are_reported_by_table_column_row_and_kind_without_values_or_indexes(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        using var keys = DirectoryApp.KeysV1();
        await using var app = await DirectoryApp.StartAsync(database, masterKey, keys);
        await SeedAsync(app);
        var email = new SearchableColumn(new EncryptedColumn("people", "Email"));
        var login = new SearchableColumn(new EncryptedColumn("people", "Login"), BlindIndexNormalization.CaseInsensitive | BlindIndexNormalization.Trim);

        // Raw SQL, around EF: a value replaced but not its index; an index of another value; an index removed; a value
        // removed but not its index; an index under an index key version nobody has.
        await database.ExecuteAsync("UPDATE people SET \"Email\" = @v WHERE \"Id\" = 1", ("@v", app.Encryptor.Encrypt(email.Column, "intruder@example.com")));
        await database.ExecuteAsync("UPDATE people SET \"Login_bidx\" = @i WHERE \"Id\" = 2", ("@i", app.BlindIndex.ComputeForWrite(login, "someone.else")));
        await database.ExecuteAsync("UPDATE people SET \"Login_bidx\" = NULL WHERE \"Id\" = 3");
        await database.ExecuteAsync("UPDATE people SET \"Score\" = NULL WHERE \"Id\" = 4");
        var unknownVersion = app.BlindIndex.ComputeForWrite(new SearchableColumn(new EncryptedColumn("people", "Code")), "C-5")!;
        unknownVersion[4] = 9; // header bytes 1-4: the index key version, big-endian
        await database.ExecuteAsync("UPDATE people SET \"Code_bidx\" = @i WHERE \"Id\" = 5", ("@i", unknownVersion));

        var results = await app.VerifyAsync();

        var problems = results.SelectMany(r => r.Failures).Select(f => (f.Table, f.Column, f.Row, f.Problem)).Order().ToList();
        Assert.Equal(
            new[]
            {
                ("people", "Code", "Id=5", VerificationProblem.IndexKeyVersionNotActive),
                ("people", "Email", "Id=1", VerificationProblem.IndexMismatch),
                ("people", "Login", "Id=2", VerificationProblem.IndexMismatch),
                ("people", "Login", "Id=3", VerificationProblem.IndexMissing),
                ("people", "Score", "Id=4", VerificationProblem.IndexWithoutValue),
            },
            problems);
        Assert.Equal(5, results.Sum(r => r.IndexFailedCount));
        Assert.Equal(0, results.Sum(r => r.FailedCount));   // every value still decrypts
        Assert.Equal(9, results.SelectMany(r => r.Failures).Single(f => f.Column == "Code").IndexKeyVersion);
        Assert.Equal(1, results.SelectMany(r => r.Failures).Single(f => f.Column == "Email").IndexKeyVersion);

        // No value, plaintext or index bytes in any report.
        var index = (byte[])(await database.ScalarAsync("SELECT \"Email_bidx\" FROM people WHERE \"Id\" = 1"))!;
        foreach (var reason in results.SelectMany(r => r.Failures).Select(f => f.Reason + f.Row))
        {
            Assert.DoesNotContain("intruder", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("someone", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("@example.com", reason, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(index), reason, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(index), reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Without_an_index_key_values_are_still_verified_and_the_indexes_are_reported_as_not_verified(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        using var keys = DirectoryApp.KeysV1();
        await using (var app = await DirectoryApp.StartAsync(database, masterKey, keys))
        {
            await SeedAsync(app);
        }

        // A verifier whose key table has data keys but no index key (and may not create one).
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => { o.MasterKey.File = masterKey.Path; o.Schedule.AutoGenerateKeys = false; }).UseSqlKeyStore(database.ColumnCryptoDatabase()).WithoutHostedService();
        await using var provided = services.BuildServiceProvider();
        await provided.GetRequiredService<Keys.IDataKeyManager>().InitializeAsync(CancellationToken.None);
        var verifier = new EncryptedValueVerifier(provided.GetRequiredService<ColumnEncryptor>(), provided.GetRequiredService<BlindIndex>(), database.ColumnCryptoDatabase());
        var columns = await new ColumnCrypto.Data.Registry.EncryptedColumnRegistry(database.ColumnCryptoDatabase()).GetColumnsAsync();

        var email = await verifier.VerifyAsync(columns.Single(c => c.Column == "Email"), 10);

        Assert.Equal(Rows, email.Checked);
        Assert.Equal(0, email.FailedCount);
        Assert.Equal(0, email.IndexesChecked);
        Assert.Contains("blind-index key", email.IndexesNotVerified, StringComparison.Ordinal);
        Assert.Null((await verifier.VerifyAsync(columns.Single(c => c.Column == "Secret"), 10)).IndexesNotVerified);
    }
}
