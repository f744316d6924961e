using ColumnCrypto.Configuration;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>What happens to blind indexes over time: data-key rollovers and re-encryption, and the backfill of a column that becomes searchable.</summary>
[Collection(PostgresTests.Name)]
public sealed class IndexMaintenanceTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static async Task SeedAsync(DirectoryApp app, int count)
    {
        await using var context = app.NewContext();
        context.People.AddRange(Enumerable.Range(0, count).Select(i => new Person
        {
            Name = $"p{i:D3}", Email = $"p{i}@example.com", Login = $"P{i}", Score = i % 7, NationalId = Guid.NewGuid(), Tier = i % 2 == 0 ? Tier.Basic : Tier.Gold,
        }));
        await context.SaveChangesAsync();
    }

    /// <summary>Each row's Id with its stored value and index column, as raw bytes.</summary>
    private static async Task<Dictionary<int, (byte[] Value, byte[] Index)>> RawAsync(TestDatabase database)
    {
        await using var connection = database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Id\", \"Email\", \"Email_bidx\" FROM people";
        var rows = new Dictionary<int, (byte[], byte[])>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), ((byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Lookups_keep_working_after_three_data_key_rollovers_and_a_full_reencryption_without_touching_the_index(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        using var keys = DirectoryApp.KeysV1();
        await using var app = await DirectoryApp.StartAsync(database, masterKey, keys);
        await SeedAsync(app, 120);
        var before = await RawAsync(database);

        for (var i = 0; i < 3; i++)
        {
            await app.Keys.RollOverAsync(CancellationToken.None);
            await using var context = app.NewContext();
            Assert.Equal($"p{i:D3}", (await context.People.SingleAsync(p => p.Email == $"p{i}@example.com")).Name);
        }

        var result = await ColumnReencryptor.Create(app.CryptoDatabase, app.Services, new ReencryptionOptions { BatchSize = 50, PauseBetweenBatches = 0 }).RunAsync();
        Assert.True(result.Complete);
        Assert.True(result.Reencrypted >= before.Count, $"re-encrypted {result.Reencrypted} values");

        var after = await RawAsync(database);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (id, row) in before)
        {
            Assert.NotEqual(row.Value, after[id].Value);   // re-encrypted under the newest data key
            Assert.Equal(row.Index, after[id].Index);       // the index column did not change
        }

        // A fresh instance (nothing cached) finds every row by each searchable column.
        await using var fresh = await DirectoryApp.StartAsync(database, masterKey, keys);
        await using var db = fresh.NewContext();
        var wanted = Enumerable.Range(0, 120).Select(i => $"p{i}@example.com").ToList();
        Assert.Equal(120, await db.People.CountAsync(p => wanted.Contains(p.Email)));
        Assert.Equal("p077", (await db.People.SingleAsync(p => p.Login == "p77")).Name);
        Assert.Equal(120 / 7 + 1, await db.People.CountAsync(p => p.Score == 0));
        Assert.Equal(60, await db.People.CountAsync(p => p.Tier == Tier.Gold));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_column_that_becomes_searchable_over_existing_rows_refuses_lookups_naming_the_command_until_its_backfill_completes(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        using var keys = DirectoryApp.KeysV1();
        await using (var earlier = await DirectoryApp.StartAsync(database, masterKey, keys))
        {
            await SeedAsync(earlier, 130);
        }

        // As if Email was encrypted but not searchable so far: no index in any row, nothing recorded for it.
        var before = await RawAsync(database);
        await database.ScalarAsync("UPDATE people SET \"Email_bidx\" = NULL");
        await database.ScalarAsync("DELETE FROM columncrypto_blind_indexes WHERE column_name = 'Email'");

        await using var app = await DirectoryApp.StartAsync(database, masterKey, keys);
        await using (var db = app.NewContext())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.People.SingleAsync(p => p.Email == "p5@example.com"));
            Assert.Contains("BlindIndexBuilder.RunAsync()", error.Message, StringComparison.Ordinal);
            Assert.Contains("people.Email", error.Message, StringComparison.Ordinal);
        }

        var first = await app.IndexBuilder(batchSize: 40).RunAsync();
        var email = Assert.Single(first.Columns, c => c.Column == "Email");
        Assert.Equal(130, email.Indexed);
        Assert.Equal(0, email.Remaining);
        Assert.True(first.Complete);

        // The rebuilt index is exactly what the application writes; a second run has nothing to do.
        var after = await RawAsync(database);
        Assert.All(before, row => Assert.Equal(row.Value.Index, after[row.Key].Index));
        Assert.Equal(0, (await app.IndexBuilder().RunAsync()).Indexed);

        await using var fresh = await DirectoryApp.StartAsync(database, masterKey, keys);
        await using var lookup = fresh.NewContext();
        Assert.Equal("p005", (await lookup.People.SingleAsync(p => p.Email == "p5@example.com")).Name);
    }
}
