using ColumnCrypto.DependencyInjection;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore;

/// <summary>The library wired the way an application does it: the generic host, AddDbContext, AddColumnCrypto from YAML.</summary>
[Collection(PostgresTests.Name)]
public sealed class HostingTests(PostgresServer postgres)
{
    private static IHost BuildHost(TestDatabase database, string yamlFile)
    {
        var builder = Host.CreateApplicationBuilder();
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
