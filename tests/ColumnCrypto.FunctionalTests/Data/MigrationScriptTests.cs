using ColumnCrypto.Data.Schema;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.FunctionalTests.Data;

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
    public async Task Sql_scripts_and_the_schema_creator_create_exactly_what_EF_creates_and_can_run_twice(Provider provider)
    {
        using var fromScripts = await TestDatabase.CreateAsync(provider, postgres);
        using var fromEf = await TestDatabase.CreateAsync(provider, postgres);
        using var fromCreator = await TestDatabase.CreateAsync(provider, postgres);

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

        var created = await ColumnCryptoSchema.CreateMissingTablesAsync(fromCreator.ColumnCryptoDatabase());
        Assert.Equal(["columncrypto_data_keys", "columncrypto_encrypted_columns", "columncrypto_reencryption_progress", "columncrypto_key_ring", "columncrypto_blind_indexes", "columncrypto_blind_index_keys"], created);
        Assert.Empty(await ColumnCryptoSchema.CreateMissingTablesAsync(fromCreator.ColumnCryptoDatabase()));

        var expected = await SchemaSnapshot.DescribeAsync(fromEf);
        Assert.Contains("columncrypto_data_keys", expected, StringComparison.Ordinal);
        Assert.Equal(expected, await SchemaSnapshot.DescribeAsync(fromScripts));
        Assert.Equal(expected, await SchemaSnapshot.DescribeAsync(fromCreator));
    }
}
