using System.Text.Json;
using ColumnCrypto.Cli.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ColumnCrypto.Cli.Tests;

/// <summary>
/// The blind indexes of searchable columns through the tool: the index keys the application created, an index-key
/// rotation, the rebuild with its refusal to retire the old key before it is complete, and a backfill of rows whose
/// index was lost; the application finds every row by e-mail throughout.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class IndexCliTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-cli-").FullName;

    [Fact]
    public async Task Rotate_the_index_key_rebuild_retire_and_backfill_with_lookups_right_throughout()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var config = Path.Combine(_folder, "columncrypto.yaml");
        await File.WriteAllTextAsync(config, "masterKey:\n  file: master.key\n");
        var cli = new CliRunner(_folder);
        string[] common = ["--config", "columncrypto.yaml", "--connection", connection];
        Assert.Equal(0, (await cli.RunAsync(["init", .. common])).ExitCode);
        await using (var app = await ShopApp.StartAsync(connection, config))
        {
            await app.AddAccountsAsync(23);
        }

        // The application created index key version 1 with its first searchable write.
        var status = await IndexStatusAsync(cli, common);
        var key = Assert.Single(status.GetProperty("keys").EnumerateArray());
        Assert.Equal((1, "active", "local"), (key.GetProperty("version").GetInt32(), key.GetProperty("status").GetString(), key.GetProperty("wrappingProvider").GetString()));
        Assert.Equal(23, EmailIndexes(status, 1));

        var rotate = await cli.RunAsync(["index", "rotate-key", .. common]);
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        Assert.Contains("Created blind-index key version 2", rotate.Output);
        await AssertFoundAsync(connection, config);

        var early = await cli.RunAsync(["index", "retire-key", "--version", "1", .. common]);
        Assert.Equal(6, early.ExitCode);
        Assert.Contains("accounts.Email: 23 on version 1", early.Error);

        // Running instances pick the new key up within schedule.rollOverCheckInterval; until then a rebuild is refused.
        var tooSoon = await cli.RunAsync(["index", "build", .. common]);
        Assert.Equal(6, tooSoon.ExitCode);
        Assert.Contains("rollOverCheckInterval", tooSoon.Error);

        cli.Time.Advance(TimeSpan.FromHours(2));
        var build = await cli.RunAsync(["index", "build", "--batch-size", "5", .. common]);
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains("ready for lookups", build.Output);
        Assert.Equal(23, EmailIndexes(await IndexStatusAsync(cli, common), 2));
        await AssertFoundAsync(connection, config);

        var retire = await cli.RunAsync(["index", "retire-key", "--version", "1", .. common]);
        Assert.True(retire.ExitCode == 0, retire.ToString());
        await AssertFoundAsync(connection, config);

        // Rows whose index was lost (written around the application): lookups refuse until 'index build' backfills them.
        await using (var raw = new NpgsqlConnection(connection))
        {
            await raw.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE accounts SET \"Email_bidx\" = NULL WHERE \"Id\" % 2 = 0; UPDATE columncrypto_blind_indexes SET status = 'building'", raw);
            await command.ExecuteNonQueryAsync();
        }

        var backfill = await cli.RunAsync(["index", "build", .. common]);
        Assert.True(backfill.ExitCode == 0, backfill.ToString());
        Assert.Equal(23, EmailIndexes(await IndexStatusAsync(cli, common), 2));
        await AssertFoundAsync(connection, config);
    }

    private static async Task AssertFoundAsync(string connection, string config)
    {
        await using var app = await ShopApp.StartAsync(connection, config, createTables: false);
        await using var context = app.NewContext();
        foreach (var i in new[] { 0, 7, 22 })
        {
            Assert.Equal($"holder {i}", (await context.Accounts.SingleAsync(a => a.Email == $"holder.{i}@example.com")).Holder);
        }
    }

    private static long EmailIndexes(JsonElement status, int version)
    {
        var email = status.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "Email");
        Assert.Equal(0, email.GetProperty("missing").GetInt64());
        return email.GetProperty("indexesByVersion").TryGetProperty(version.ToString(System.Globalization.CultureInfo.InvariantCulture), out var count) ? count.GetInt64() : 0;
    }

    private static async Task<JsonElement> IndexStatusAsync(CliRunner cli, string[] common)
    {
        var result = await cli.RunAsync(["index", "status", "--json", .. common]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.Clone();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
