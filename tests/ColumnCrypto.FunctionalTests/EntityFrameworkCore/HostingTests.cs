using ColumnCrypto.DependencyInjection;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Schema;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore;

/// <summary>The library wired the way an application does it: the generic host, AddDbContext, AddColumnCrypto from YAML.</summary>
[Collection(PostgresTests.Name)]
public sealed class HostingTests(PostgresServer postgres)
{
    private static IHost BuildHost(TestDatabase database, string yamlFile)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFakeLogging();
        builder.Services.AddDbContext<ShopContext>((sp, options) => database.Configure(options).UseColumnEncryption(sp));
        builder.Services.AddColumnCrypto(yamlFile).UseDbContextKeyStore<ShopContext>();
        return builder.Build();
    }

    private static string WriteYaml(string body)
    {
        var path = Path.Combine(Path.GetTempPath(), $"columncrypto-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, body);
        return path;
    }

    [Fact]
    public async Task Host_start_loads_keys_creates_version_1_and_encrypts_through_the_registered_context()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        var yaml = WriteYaml($"""
            schedule:
              dataKeyRollOverLength: 90
            masterKey:
              file: {masterKey.Path}
            """);
        using var host = BuildHost(database, yaml);
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreatedAsync();
        }

        await host.StartAsync();
        var keys = await host.Services.GetRequiredService<IDataKeyManager>().GetKeysAsync(CancellationToken.None);
        var key = Assert.Single(keys);
        Assert.Equal(key.CreatedAt.AddDays(90), key.RollOverAt);

        using (var scope = host.Services.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
            context.Customers.Add(new Customer { Email = "hosted@example.com" });
            await context.SaveChangesAsync();
        }

        Assert.Equal(1, ColumnEncryptor.GetKeyVersion((byte[])(await database.ScalarAsync("SELECT \"Email\" FROM customers"))!));
        await host.StopAsync();
        File.Delete(yaml);
    }

    [Fact]
    public async Task EnsureCreated_creates_every_ColumnCrypto_table_so_the_host_records_the_columns_without_a_warning()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        var yaml = WriteYaml($"masterKey:\n  file: {masterKey.Path}\n");
        using var host = BuildHost(database, yaml);
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreatedAsync();
        }

        Assert.Empty(await ColumnCryptoSchema.FindMissingTablesAsync(database.ColumnCryptoDatabase()));
        await host.StartAsync();
        var registry = host.Services.GetRequiredService<EncryptedColumnRegistry>();
        await Eventually(async () => (await registry.GetColumnsAsync()).Count > 0);
        await host.StopAsync();

        Assert.DoesNotContain(Logs(host), r => r.Level >= LogLevel.Warning);
        File.Delete(yaml);
    }

    [Fact]
    public async Task Missing_ColumnCrypto_tables_get_a_start_up_warning_that_names_them_and_says_how_to_create_them()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        var yaml = WriteYaml($"masterKey:\n  file: {masterKey.Path}\n");
        using var host = BuildHost(database, yaml);
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreatedAsync();
        }

        // As in a database whose tables were made before ColumnCrypto's registry existed.
        await database.ExecuteAsync("DROP TABLE columncrypto_encrypted_columns; DROP TABLE columncrypto_reencryption_progress");
        await host.StartAsync();
        await Eventually(() => Task.FromResult(Logs(host).Any(r => r.Id.Id == 2020)));
        await host.StopAsync();

        var warning = Assert.Single(Logs(host), r => r.Level >= LogLevel.Warning);
        Assert.Equal(2020, warning.Id.Id);
        Assert.Contains("The encrypted columns of ShopContext are not recorded: the database has no columncrypto_encrypted_columns or columncrypto_reencryption_progress.", warning.Message, StringComparison.Ordinal);
        Assert.Contains("call Database.EnsureCreatedAsync() on a new database (it creates nothing in a database that already has tables)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ColumnCryptoSchema.CreateMissingTablesAsync(database)", warning.Message, StringComparison.Ordinal);
        File.Delete(yaml);
    }

    /// <summary>ColumnCrypto's log records (not EF Core's own).</summary>
    private static List<FakeLogRecord> Logs(IHost host) =>
        [.. host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(r => r.Category?.StartsWith("ColumnCrypto", StringComparison.Ordinal) == true)];

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (await condition())
            {
                return;
            }
        }

        Assert.Fail("the condition did not become true within 30 s");
    }

    [Fact]
    public async Task Host_does_not_start_without_a_master_key()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        var yaml = WriteYaml($"""
            masterKey:
              environmentVariable: COLUMNCRYPTO_TEST_UNSET_{Guid.NewGuid():N}
            """);
        using var host = BuildHost(database, yaml);
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreatedAsync();
        }

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => host.StartAsync());
        Assert.Contains("No master key", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM columncrypto_data_keys"), System.Globalization.CultureInfo.InvariantCulture));
        File.Delete(yaml);
    }
}
