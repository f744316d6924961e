using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Tests;

/// <summary>What 'dotnet ef migrations add' creates for an application that uses ColumnCrypto, with no database.</summary>
public sealed class MigrationModelTests
{
    private sealed class Customer
    {
        public int Id { get; set; }

        [Encrypted] public string Email { get; set; } = string.Empty;
    }

    private sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
    {
        public DbSet<Customer> Customers => Set<Customer>();
    }

    private static IReadOnlyList<MigrationOperation> CreateOperations(Action<ColumnEncryptionOptionsBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto().UseDataKeyStore(new InMemoryDataKeyStore()).WithoutHostedService();
        var encryptor = services.BuildServiceProvider().GetRequiredService<ColumnEncryptor>();
        var options = new DbContextOptionsBuilder<ShopContext>().UseNpgsql("Host=unused").UseColumnEncryption(encryptor, configure).Options;
        using var context = new ShopContext(options);

        // The difference between no model and the application's model, as the migrations tool computes it.
        return context.GetService<IMigrationsModelDiffer>().GetDifferences(null, context.GetService<IDesignTimeModel>().Model.GetRelationalModel());
    }

    [Fact]
    public void Migrations_add_creates_ColumnCryptos_tables_with_the_application_tables()
    {
        var operations = CreateOperations();

        var keyTable = Assert.Single(operations.OfType<CreateTableOperation>(), t => t.Name == "columncrypto_data_keys");
        Assert.Equal(
            ["version", "created_at", "roll_over_at", "status", "wrapping_provider", "wrapping_key_id", "wrapped_key", "commitment", "encryption_count"],
            keyTable.Columns.Select(c => c.Name));
        Assert.Equal(["version"], keyTable.PrimaryKey!.Columns);
        Assert.Equal("integer", keyTable.Columns[0].ColumnType);
        Assert.Contains(operations.OfType<CreateTableOperation>(), t => t.Name == "columncrypto_encrypted_columns");
        Assert.Contains(operations.OfType<CreateTableOperation>(), t => t.Name == "columncrypto_reencryption_progress");
        var email = Assert.Single(operations.OfType<CreateTableOperation>(), t => t.Name == "Customers").Columns.Single(c => c.Name == "Email");
        Assert.Equal("bytea", email.ColumnType);
    }

    [Fact]
    public void A_renamed_key_table_takes_the_other_tables_into_its_schema()
    {
        var tables = CreateOperations(o => o.KeyTable("data_keys", "crypto")).OfType<CreateTableOperation>().ToList();

        Assert.Contains(tables, t => t is { Name: "data_keys", Schema: "crypto" });
        Assert.Contains(tables, t => t is { Name: "columncrypto_encrypted_columns", Schema: "crypto" });
        Assert.DoesNotContain(tables, t => t.Name == "columncrypto_data_keys");
    }

    [Fact]
    public void Without_key_table_the_model_has_none_of_ColumnCryptos_tables()
    {
        var tables = CreateOperations(o => o.WithoutKeyTable()).OfType<CreateTableOperation>().Select(t => t.Name).ToList();

        Assert.Equal(["Customers"], tables);
    }
}
