using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Tests;

/// <summary>Model-building behaviour, with no database.</summary>
public sealed class ModelTests
{
    private static readonly ColumnEncryptor Encryptor = CreateEncryptor();

    private static ColumnEncryptor CreateEncryptor()
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto().UseDataKeyStore(new InMemoryDataKeyStore()).WithoutHostedService();
        return services.BuildServiceProvider().GetRequiredService<ColumnEncryptor>();
    }

    private sealed class Gadget
    {
        public int Id { get; set; }

        [Encrypted] public Uri? Homepage { get; set; }
    }

    private sealed class IndexedSecret
    {
        public int Id { get; set; }

        [Encrypted] public string Email { get; set; } = string.Empty;
    }

    private sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
    {
        public DbSet<IndexedSecret> Secrets => Set<IndexedSecret>();
    }

    private sealed class ModelContext(DbContextOptions options, Action<ModelBuilder> configure) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => configure(modelBuilder);
    }

    /// <summary>Every context instance builds its own model: each test configures one differently.</summary>
    private sealed class UncachedModelKeyFactory : Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => context;
    }

    private static ModelContext Context(Action<ModelBuilder> configure, Action<ColumnEncryptionOptionsBuilder>? options = null) =>
        new(new DbContextOptionsBuilder().UseSqlite("Data Source=:memory:").UseColumnEncryption(Encryptor, options)
            .ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, UncachedModelKeyFactory>().Options, configure);

    [Fact]
    public void Unsupported_property_type_fails_at_model_building_naming_entity_and_property()
    {
        using var context = Context(m => m.Entity<Gadget>());
        var error = Assert.Throws<InvalidOperationException>(() => context.Model);
        Assert.Contains("Property 'Gadget.Homepage' is marked as encrypted", error.Message, StringComparison.Ordinal);
        Assert.Contains("type 'Uri' cannot be encrypted", error.Message, StringComparison.Ordinal);
        Assert.Contains("Supported types: string, byte[]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_on_an_encrypted_property_is_refused()
    {
        using var context = Context(m => m.Entity<IndexedSecret>().HasIndex(s => s.Email));
        var error = Assert.Throws<InvalidOperationException>(() => context.Model);
        Assert.Contains("Property 'IndexedSecret.Email' is encrypted and has an index", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseColumnEncryption_before_the_provider_says_to_call_it_after()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DbContextOptionsBuilder().UseColumnEncryption(Encryptor));
        Assert.Contains("must be called after the database provider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Contexts_with_different_encryptors_get_their_own_models_from_one_internal_service_provider()
    {
        ShopContext Shop(ColumnEncryptor encryptor) =>
            new(new DbContextOptionsBuilder<ShopContext>().UseSqlite("Data Source=:memory:").UseColumnEncryption(encryptor).Options);

        // EF throws after twenty internal service providers in a process: thirty encryptors must not need thirty.
        var encryptors = Enumerable.Range(0, 30).Select(_ => CreateEncryptor()).ToList();
        var converters = encryptors.Select(encryptor =>
        {
            using var context = Shop(encryptor);
            return context.Model.FindEntityType(typeof(IndexedSecret))!.FindProperty(nameof(IndexedSecret.Email))!.GetValueConverter();
        }).ToList();

        Assert.Equal(30, converters.Distinct().Count());
        using var again = Shop(encryptors[0]);
        Assert.Same(converters[0], again.Model.FindEntityType(typeof(IndexedSecret))!.FindProperty(nameof(IndexedSecret.Email))!.GetValueConverter());
    }

    [Fact]
    public void Key_table_name_and_schema_are_configurable_or_left_out()
    {
        using (var named = Context(m => m.Entity<IndexedSecret>(), o => o.KeyTable("keys", "crypto")))
        {
            var keyTable = named.Model.FindEntityType(typeof(DataKeyRecord))!;
            Assert.Equal(("keys", "crypto"), (keyTable.GetTableName(), keyTable.GetSchema()));
            Assert.Contains(named.Model.GetEntityTypes(), e => e.GetTableName() == "columncrypto_encrypted_columns" && e.GetSchema() == "crypto");
        }

        using var without = Context(m => m.Entity<IndexedSecret>(), o => o.WithoutKeyTable());
        Assert.Equal([typeof(IndexedSecret)], without.Model.GetEntityTypes().Select(e => e.ClrType));
    }

    [Fact]
    public void Explicit_encryption_context_survives_a_table_rename()
    {
        using var before = Context(m => m.Entity<IndexedSecret>(e =>
        {
            e.ToTable("old_name");
            e.Property(s => s.Email).IsEncrypted(context: "people.email");
        }));
        using var after = Context(m => m.Entity<IndexedSecret>(e =>
        {
            e.ToTable("new_name");
            e.Property(s => s.Email).IsEncrypted(context: "people.email");
        }));

        var converter = (Storage.IEncryptedValueConverter)before.Model.FindEntityType(typeof(IndexedSecret))!.FindProperty("Email")!.GetValueConverter()!;
        var renamed = (Storage.IEncryptedValueConverter)after.Model.FindEntityType(typeof(IndexedSecret))!.FindProperty("Email")!.GetValueConverter()!;
        Assert.Equal(new EncryptedColumn("people", "email"), converter.Column);
        Assert.Equal(converter.Column, renamed.Column);
    }
}
