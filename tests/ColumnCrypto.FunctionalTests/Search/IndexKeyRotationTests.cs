using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>
/// Blind-index keys in the database: an index-key rotation (for a suspected index-key compromise) keeps every lookup
/// right before, during and after the rebuild, an interrupted rebuild resumes without losing a row, the old key is
/// retired only once no index uses it; and the index-key rows are guarded by the ring head against raw SQL.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class IndexKeyRotationTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static readonly string[] Probes = ["p0@example.com", "p57@example.com", "p119@example.com", "late@example.com"];

    private static async Task AssertLookupsAsync(DirectoryApp app)
    {
        await using var db = app.NewContext();
        foreach (var email in Probes)
        {
            Assert.Equal(email == "late@example.com" ? "late" : $"p{int.Parse(email[1..email.IndexOf('@', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture):D3}",
                (await db.People.SingleAsync(p => p.Email == email)).Name);
        }

        Assert.Equal(Probes.Length, await db.People.CountAsync(p => Probes.Contains(p.Email)));
        Assert.Equal(121, await db.People.CountAsync(p => p.Email != "nobody@example.com"));
    }

    /// <summary>How many stored Email indexes each index key version wrote.</summary>
    private static async Task<Dictionary<int, int>> VersionsAsync(TestDatabase database)
    {
        await using var connection = database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Email_bidx\" FROM people";
        var versions = new Dictionary<int, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.True(BlindIndexLayout.TryReadHeader((byte[])reader.GetValue(0), out var version, out _));
            versions[version] = versions.GetValueOrDefault(version) + 1;
        }

        return versions;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_index_key_rotation_keeps_every_lookup_right_through_an_interrupted_rebuild_and_retires_the_old_key_only_when_unused(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await DirectoryApp.StartAsync(database, masterKey, time: time);
        await using (var db = app.NewContext())
        {
            db.People.AddRange(Enumerable.Range(0, 120).Select(i => new Person { Name = $"p{i:D3}", Email = $"p{i}@example.com", NationalId = Guid.NewGuid() }));
            await db.SaveChangesAsync();
        }

        var lifecycle = app.Services.GetRequiredService<BlindIndexKeyLifecycle>();
        Assert.Equal(2, await lifecycle.RotateAsync());

        // Written after the rotation: under version 2, while the older rows keep version 1 and are still found.
        await using (var db = app.NewContext())
        {
            db.People.Add(new Person { Name = "late", Email = "late@example.com", NationalId = Guid.NewGuid() });
            await db.SaveChangesAsync();
        }

        Assert.Equal(new Dictionary<int, int> { [1] = 120, [2] = 1 }, await VersionsAsync(database));
        await AssertLookupsAsync(app);

        // Other instances match version 2 from their next key reload, within schedule.rollOverCheckInterval: no rebuild before.
        var tooSoon = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => app.IndexBuilder().RunAsync());
        Assert.Contains("rollOverCheckInterval (60 minutes)", tooSoon.Message, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromMinutes(61));

        // The rebuild is killed after its first batch: part of the rows on each version, every lookup still right.
        using (var kill = new CancellationTokenSource())
        {
            var progress = new InlineProgress(_ => kill.Cancel());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.IndexBuilder(batchSize: 40).RunAsync(progress, kill.Token));
        }

        var during = await VersionsAsync(database);
        Assert.True(during[1] is > 0 and < 120 && during[2] > 1, $"v1: {during.GetValueOrDefault(1)}, v2: {during.GetValueOrDefault(2)}");
        await AssertLookupsAsync(app);
        var refused = await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => lifecycle.RetireAsync(1));
        Assert.Contains("people.Email", refused.Message, StringComparison.Ordinal);

        // Resumed: it finishes what is left; nothing is lost.
        var resumed = await app.IndexBuilder(batchSize: 40).RunAsync();
        Assert.True(resumed.Complete);
        Assert.Equal(new Dictionary<int, int> { [2] = 121 }, await VersionsAsync(database));
        await AssertLookupsAsync(app);

        await lifecycle.RetireAsync(1);
        Assert.Equal([2], app.BlindIndex.LookupVersions);
        await AssertLookupsAsync(app);
        await using var restarted = await DirectoryApp.StartAsync(database, masterKey);
        await AssertLookupsAsync(restarted);
    }

    [Fact]
    public async Task An_index_key_row_deleted_with_raw_SQL_stops_the_application_at_start_naming_the_version()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        await using (var app = await DirectoryApp.StartAsync(database, masterKey))
        await using (var db = app.NewContext())
        {
            db.People.Add(new Person { Name = "ada", Email = "ada@example.com", NationalId = Guid.NewGuid() });
            await db.SaveChangesAsync();
        }

        await database.ExecuteAsync("DELETE FROM columncrypto_blind_index_keys");

        var error = await Assert.ThrowsAsync<ColumnCryptoKeyRingException>(() => DirectoryApp.StartAsync(database, masterKey));
        Assert.Contains("blind-index key version 1 is missing (the ring head records it as active): deleted", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Reports synchronously, on the worker's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class InlineProgress(Action<(string Column, long Indexed)> report) : IProgress<(string Column, long Indexed)>
    {
        public void Report((string Column, long Indexed) value) => report(value);
    }
}
