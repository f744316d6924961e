using ColumnCrypto.EntityFrameworkCore.Tests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Tests;

[Collection(PostgresTests.Name)]
public sealed class MigrationScriptTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static ColumnEncryptor Encryptor()
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto().UseDataKeyStore(new InMemoryDataKeyStore()).WithoutHostedService();
        return services.BuildServiceProvider().GetRequiredService<ColumnEncryptor>();
    }

    /// <summary>A context whose model holds nothing but what UseColumnEncryption adds.</summary>
    private static DbContext LibraryOnlyContext(TestDatabase database) =>
        new(database.Configure(new DbContextOptionsBuilder()).UseColumnEncryption(Encryptor()).Options);

    private static IEnumerable<string> Scripts(Provider provider)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "migrations", provider == Provider.PostgreSql ? "postgresql" : "sqlite");
        var scripts = Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(scripts);
        return scripts;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Sql_scripts_create_exactly_what_EF_creates_and_can_run_twice(Provider provider)
    {
        using var fromScripts = await TestDatabase.CreateAsync(provider, postgres);
        using var fromEf = await TestDatabase.CreateAsync(provider, postgres);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            foreach (var script in Scripts(provider))
            {
                await fromScripts.ExecuteAsync(await File.ReadAllTextAsync(script));
            }
        }

        await using (var context = LibraryOnlyContext(fromEf))
        {
            await context.Database.EnsureCreatedAsync();
        }

        var expected = await SchemaSnapshot.DescribeAsync(fromEf);
        Assert.Contains("columncrypto_data_keys", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await SchemaSnapshot.DescribeAsync(fromScripts));
    }

    [Fact]
    public void Migrations_add_creates_the_key_table_from_the_application_model()
    {
        // What 'dotnet ef migrations add' computes: the difference between no model and the application's model.
        var options = new DbContextOptionsBuilder<ShopContext>().UseNpgsql("Host=unused").UseColumnEncryption(Encryptor()).Options;
        using var context = new ShopContext(options);
        var differ = context.GetService<IMigrationsModelDiffer>();
        var model = context.GetService<Microsoft.EntityFrameworkCore.Metadata.IDesignTimeModel>().Model.GetRelationalModel();

        var operations = differ.GetDifferences(null, model);

        var keyTable = Assert.Single(operations.OfType<CreateTableOperation>(), t => t.Name == "columncrypto_data_keys");
        Assert.Equal(
            ["version", "created_at", "roll_over_at", "status", "wrapping_provider", "wrapping_key_id", "wrapped_key", "commitment", "encryption_count"],
            keyTable.Columns.Select(c => c.Name));
        Assert.Equal(["version"], keyTable.PrimaryKey!.Columns);
        var email = Assert.Single(operations.OfType<CreateTableOperation>(), t => t.Name == "customers").Columns.Single(c => c.Name == "Email");
        Assert.Equal("bytea", email.ColumnType);
    }
}
