using System.Globalization;
using System.Text;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>
/// A legacy plaintext column that becomes a searchable encrypted one: the plaintext migration (the re-encryption
/// engine) writes each value's blind index in the UPDATE that encrypts it, so lookups work afterwards with no index build.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PlaintextIndexMigrationTests(PostgresServer postgres)
{
    private const int Rows = 90;

    /// <summary>The searchable columns, each with how the application held its value in clear before.</summary>
    private static readonly (string Column, Func<Person, object?> Legacy)[] Searchable =
    [
        ("Email", p => p.Email),
        ("Login", p => p.Login),
        ("Score", p => p.Score?.ToString(CultureInfo.InvariantCulture)),
        ("NationalId", p => p.NationalId.ToString()),
        ("Birthday", p => p.Birthday?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ("Balance", p => p.Balance.ToString(CultureInfo.InvariantCulture)),
        ("Tier", p => ((int)p.Tier).ToString(CultureInfo.InvariantCulture)),
        ("Code", p => p.Code),
    ];

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static List<Person> People() => [.. Enumerable.Range(1, Rows).Select(i => new Person
    {
        Id = i,
        Name = $"p{i:D3}",
        Email = $"p{i}@example.com",
        Login = i % 9 == 0 ? null : $" User.{i} ",
        Score = i % 4 == 0 ? null : i % 6,
        NationalId = new Guid(i, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8),
        Birthday = i % 5 == 0 ? null : new DateOnly(1970, 1, 1).AddDays(i * 101),
        Balance = i % 3 == 0 ? 12.50m : i + 0.25m,   // 12.50 as written: one index with 12.5
        Tier = i % 2 == 0 ? Tier.Basic : Tier.Gold,
        Code = i % 7 == 0 ? null : $"C-{i}",
        Secret = "s",
    })];

    /// <summary>Each row's index column of every searchable column, as raw bytes (null for NULL).</summary>
    private static async Task<Dictionary<(int Id, string Column), byte[]?>> IndexesAsync(TestDatabase database)
    {
        await using var connection = database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"Id\", {string.Join(", ", Searchable.Select(s => $"\"{s.Column}_bidx\""))} FROM people";
        var result = new Dictionary<(int, string), byte[]?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture);
            for (var c = 0; c < Searchable.Length; c++)
            {
                result[(id, Searchable[c].Column)] = reader.IsDBNull(c + 1) ? null : (byte[])reader.GetValue(c + 1);
            }
        }

        return result;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_plaintext_migration_of_searchable_columns_writes_the_indexes_EF_writes_so_lookups_find_every_row_without_an_index_build(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        using var keys = DirectoryApp.KeysV1();
        var people = People();

        // What EF writes for these values.
        await using (var app = await DirectoryApp.StartAsync(database, masterKey, keys))
        {
            await using var context = app.NewContext();
            context.People.AddRange(People());
            await context.SaveChangesAsync();
        }

        var written = await IndexesAsync(database);
        Assert.Contains(written.Values, v => v is not null);

        // The same rows as the application held them before encryption: every searchable column in clear (binary
        // columns hold the text's UTF-8, the base64 column the text), no index, and no blind index recorded.
        foreach (var person in people)
        {
            var sets = Searchable.Select((s, i) => $"\"{s.Column}\" = @v{i}, \"{s.Column}_bidx\" = NULL");
            var values = Searchable.Select((s, i) => ($"@v{i}", s.Legacy(person) is string text ? s.Column == "Code" ? text : (object)Encoding.UTF8.GetBytes(text) : null));
            await database.ExecuteAsync($"UPDATE people SET {string.Join(", ", sets)} WHERE \"Id\" = {person.Id}", [.. values]);
        }

        await database.ExecuteAsync("DELETE FROM columncrypto_blind_indexes");
        var plaintextValues = people.Sum(p => Searchable.Count(s => s.Legacy(p) is not null));

        await using (var migrating = await DirectoryApp.StartAsync(database, masterKey, keys, allowPlaintextReads: true))
        {
            Assert.All((await migrating.RecordedColumnsAsync()).Where(c => c.Table == "people" && c.BlindIndex is not null), c => Assert.Equal(BlindIndexStatus.Building, c.BlindIndex!.Status));
            await using (var refused = migrating.NewContext())
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => refused.People.SingleAsync(p => p.Email == "p1@example.com"));
            }

            var result = await migrating.Reencryptor(batchSize: 32).RunAsync();

            Assert.True(result.Complete);
            Assert.Equal(0, result.Failed);
            Assert.Equal(plaintextValues, result.EncryptedPlaintext);
            Assert.All((await migrating.RecordedColumnsAsync()).Where(c => c.BlindIndex is not null), c => Assert.Equal(BlindIndexStatus.Ready, c.BlindIndex!.Status));
        }

        // Byte for byte the indexes EF wrote, NULL where the value is NULL.
        var migrated = await IndexesAsync(database);
        Assert.Equal(written.Count, migrated.Count);
        foreach (var (cell, index) in written)
        {
            Assert.True(index is null ? migrated[cell] is null : index.AsSpan().SequenceEqual(migrated[cell]), $"index of {cell}");
        }

        // A fresh instance, past the migration, finds every row by each searchable column; verification finds nothing.
        await using var app2 = await DirectoryApp.StartAsync(database, masterKey, keys);
        await using var db = app2.NewContext();
        foreach (var person in people.Where(p => p.Id % 10 == 1 || p.Id == Rows))
        {
            Assert.Equal(person.Name, (await db.People.SingleAsync(p => p.Email == person.Email)).Name);
            Assert.Equal(person.Name, (await db.People.SingleAsync(p => p.NationalId == person.NationalId)).Name);
            if (person.Login?.Trim().ToUpperInvariant() is { } login)
            {
                Assert.Equal(person.Name, (await db.People.SingleAsync(p => p.Login == login)).Name);
            }

            if (person.Code is { } code)
            {
                Assert.Equal(person.Name, (await db.People.SingleAsync(p => p.Code == code)).Name);
            }
        }

        var emails = people.Select(p => p.Email).ToList();
        Assert.Equal(Rows, await db.People.CountAsync(p => emails.Contains(p.Email)));
        Assert.Equal(people.Count(p => p.Score == 5), await db.People.CountAsync(p => p.Score == 5));
        Assert.Equal(people.Count(p => p.Score is null), await db.People.CountAsync(p => p.Score == null));
        Assert.Equal(people.Count(p => p.Balance == 12.5m), await db.People.CountAsync(p => p.Balance == 12.5m));
        Assert.Equal(people.Count(p => p.Tier == Tier.Gold), await db.People.CountAsync(p => p.Tier == Tier.Gold));
        var birthday = people[0].Birthday;
        Assert.Equal(people.Count(p => p.Birthday == birthday), await db.People.CountAsync(p => p.Birthday == birthday));

        var verified = await app2.VerifyAsync();
        Assert.All(verified, v => Assert.Empty(v.Failures));
        Assert.Equal(0, verified.Sum(v => v.Plaintext));
        Assert.Equal(people.Sum(p => Searchable.Count(s => s.Legacy(p) is not null)), verified.Where(v => v.Table == "people").Sum(v => v.IndexesChecked));
    }
}
