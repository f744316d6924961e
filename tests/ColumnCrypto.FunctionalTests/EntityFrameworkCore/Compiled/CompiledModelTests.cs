using ColumnCrypto.FunctionalTests.EntityFrameworkCore.Compiled.CompiledModel;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Xunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore.Compiled;

/// <summary>
/// Encrypted properties on an EF Core compiled model (SQLite; the model in CompiledModel/ was generated with
/// <c>dotnet ef dbcontext optimize --context CatalogContext --output-dir EntityFrameworkCore/Compiled/CompiledModel
/// --namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore.Compiled.CompiledModel</c> from this project): values are
/// encrypted and decrypted, looked up by a searchable property, refused by the query guard and recorded for the tool,
/// exactly as on a model built at run time, whichever order UseModel and UseColumnEncryption come in.
/// </summary>
public sealed class CompiledModelTests(CompiledModelTests.BoundCatalog catalog) : IClassFixture<CompiledModelTests.BoundCatalog>
{
    /// <summary>
    /// A compiled model is one object for the process and is bound to the first ColumnCrypto configuration that uses
    /// it: every test of this class shares that one (on SQLite, the provider the model was generated for).
    /// </summary>
    public sealed class BoundCatalog : IAsyncLifetime
    {
        public TestDatabase Database { get; private set; } = null!;

        public MasterKeyFile MasterKey { get; } = new();

        public ServiceProvider Services { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Database = await TestDatabase.CreateAsync(Provider.Sqlite, null!);
            Services = CompiledModelTests.Services(Database, MasterKey);
        }

        public async Task DisposeAsync()
        {
            await Services.DisposeAsync();
            MasterKey.Dispose();
            Database.Dispose();
        }
    }

    private Task<(TestDatabase Database, ServiceProvider Services)> SharedAsync() => Task.FromResult((catalog.Database, catalog.Services));

    private static ServiceProvider Services(TestDatabase database, MasterKeyFile masterKey, bool modelFirst = true)
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDbContextKeyStore<CatalogContext>().WithoutHostedService();
        services.AddDbContextFactory<CatalogContext>((sp, o) =>
        {
            o.UseSqlite(database.ConnectionString).ConfigureWarnings(w => w.Ignore(CoreEventId.ManyServiceProvidersCreatedWarning));
            if (modelFirst)
            {
                o.UseModel(CatalogContextModel.Instance).UseColumnEncryption(sp);
            }
            else
            {
                o.UseColumnEncryption(sp).UseModel(CatalogContextModel.Instance);
            }
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_compiled_model_encrypts_decrypts_looks_up_refuses_and_records_like_a_model_built_at_run_time()
    {
        var (database, services) = await SharedAsync();
        var contexts = services.GetRequiredService<IDbContextFactory<CatalogContext>>();
        await using (var db = contexts.CreateDbContext())
        {
            Assert.IsType<CatalogContextModel>(db.Model);
            await db.Database.EnsureCreatedAsync();
            await services.GetRequiredService<Keys.IDataKeyManager>().InitializeAsync(CancellationToken.None);
            db.Products.AddRange(
                new Product { Sku = "AB-1", Description = "a lamp", Price = 12.50m, Supplier = "Acme" },
                new Product { Sku = "cd-2", Description = null, Price = null, Supplier = null });
            await db.SaveChangesAsync();
            await db.RecordEncryptedColumnsAsync(); // as UseDbContextKeyStore's start-up does: lookups need the blind index recorded
        }

        await using (var db = contexts.CreateDbContext())
        {
            var lamp = await db.Products.SingleAsync(p => p.Sku == "ab-1");
            Assert.Equal(("AB-1", "a lamp", 12.50m, "Acme"), (lamp.Sku, lamp.Description, lamp.Price, lamp.Supplier));
            Assert.Equal(2, await db.Products.CountAsync(p => new[] { "AB-1", "CD-2" }.Contains(p.Sku)));
            Assert.Null((await db.Products.SingleAsync(p => p.Sku == "CD-2")).Price);

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Products.OrderBy(p => p.Price).ToListAsync());
            Assert.Contains("encrypted", refused.Message, StringComparison.OrdinalIgnoreCase);

            db.Products.Add(new Product { Sku = "Ab-1" });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        // Stored encrypted, under the column identities of the model built at run time.
        var stored = (byte[])(await database.ScalarAsync("SELECT \"Supplier\" FROM products WHERE \"Price\" IS NOT NULL"))!;
        Assert.DoesNotContain("Acme", System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal("Acme", services.GetRequiredService<ColumnEncryptor>().Decrypt<string>(new EncryptedColumn("catalog", "secret"), stored));
        var description = (string)(await database.ScalarAsync("SELECT \"Description\" FROM products WHERE \"Price\" IS NOT NULL"))!;
        Assert.Equal("a lamp", services.GetRequiredService<ColumnEncryptor>().DecryptFromBase64<string>(new EncryptedColumn("products", "Description"), description));

        var recorded = await new ColumnCrypto.Data.Registry.EncryptedColumnRegistry(database.ColumnCryptoDatabase()).GetColumnsAsync();
        Assert.Equal(["Description", "Price", "Sku", "Supplier"], recorded.Where(c => c.Table == "products").Select(c => c.Column).Order());
        Assert.Equal("Sku_bidx", recorded.Single(c => c.Column == "Sku").BlindIndex!.IndexColumn);
    }

    [Fact]
    public async Task A_second_ColumnCrypto_configuration_on_one_compiled_model_is_refused_clearly()
    {
        var (database, services) = await SharedAsync();
        await using (var db = services.GetRequiredService<IDbContextFactory<CatalogContext>>().CreateDbContext())
        {
            Assert.IsType<CatalogContextModel>(db.Model);
        }

        using var masterKey = new MasterKeyFile();
        await using var second = Services(database, masterKey);
        var error = Assert.Throws<InvalidOperationException>(() => second.GetRequiredService<IDbContextFactory<CatalogContext>>().CreateDbContext());
        Assert.Contains("serves one ColumnCrypto configuration", error.Message, StringComparison.Ordinal);

        // UseModel after UseColumnEncryption: the same refusal here (the model is bound); on an unbound model the
        // first query or save says to call UseModel first.
        await using var reversed = Services(database, masterKey, modelFirst: false);
        await using var late = reversed.GetRequiredService<IDbContextFactory<CatalogContext>>().CreateDbContext();
        Assert.Throws<InvalidOperationException>(() => late.Products.Count());
    }

    [Fact]
    public void The_committed_compiled_model_has_the_encrypted_properties_of_the_model_built_at_run_time()
    {
        static IEnumerable<string> Encrypted(IModel model) => model.GetEntityTypes()
            .Where(e => e.ClrType == typeof(Product))
            .SelectMany(e => e.GetProperties())
            .Select(p => $"{p.Name}: {string.Join(", ", p.GetAnnotations().Where(a => a.Name.StartsWith("ColumnCrypto:", StringComparison.Ordinal)).Select(a => $"{a.Name}={a.Value}"))}")
            .Order();

        using var built = new CatalogContextFactory().CreateDbContext([]);
        Assert.Equal(Encrypted(built.GetService<IDesignTimeModel>().Model), Encrypted(CatalogContextModel.Instance));
    }

    [Fact]
    public void A_compiled_model_used_without_UseColumnEncryption_fails_naming_the_column_and_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ColumnCrypto.EntityFrameworkCore.Storage.CompiledModelEncryption.Unbound<string, byte[]>("x", "products.Sku"));
        Assert.Contains("products.Sku", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseColumnEncryption", error.Message, StringComparison.Ordinal);
    }
}
