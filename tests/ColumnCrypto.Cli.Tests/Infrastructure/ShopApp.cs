using ColumnCrypto.Cli.Database;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Cli.Tests.Infrastructure;

public sealed class Account
{
    public int Id { get; set; }

    public string Holder { get; set; } = string.Empty;

    [Encrypted(Searchable = true)] public string Email { get; set; } = string.Empty;

    [Encrypted] public string? Notes { get; set; }

    [Encrypted] public decimal CreditLimit { get; set; }

    [Encrypted] public DateOnly DateOfBirth { get; set; }
}

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Account>().ToTable("accounts");
}

/// <summary>
/// The application whose data the tool manages, wired as a user would: AddColumnCrypto from the same YAML the
/// operator passes to the tool, the key table in its own context. Its table is created next to ColumnCrypto's
/// (which 'columncrypto init' created), and its encrypted columns are recorded as its start-up does.
/// </summary>
public sealed class ShopApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ShopApp(ServiceProvider services) => _services = services;

    /// <summary>Starts an instance; the first one (<paramref name="createTables"/>) creates the application's tables.</summary>
    public static async Task<ShopApp> StartAsync(string connectionString, string configFile, bool createTables = true)
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(configFile).UseDbContextKeyStore<ShopContext>().WithoutHostedService();
        // ColumnCrypto's tables exist already ('columncrypto init'): this context's model only has the application's.
        services.AddDbContextFactory<ShopContext>((sp, o) => o.UseNpgsql(connectionString).UseColumnEncryption(sp, e => e.WithoutKeyTable()));
        var app = new ShopApp(services.BuildServiceProvider());
        await using (var context = app.NewContext())
        {
            if (createTables)
            {
                await context.GetService<IRelationalDatabaseCreator>().CreateTablesAsync();
            }

            await context.RecordEncryptedColumnsAsync();
        }

        await app._services.GetRequiredService<Keys.IDataKeyManager>().InitializeAsync(CancellationToken.None);
        return app;
    }

    public ShopContext NewContext() => _services.GetRequiredService<IDbContextFactory<ShopContext>>().CreateDbContext();

    public async Task AddAccountsAsync(int count)
    {
        await using var context = NewContext();
        var start = await context.Accounts.CountAsync();
        for (var i = start; i < start + count; i++)
        {
            context.Accounts.Add(new Account
            {
                Holder = $"holder {i}",
                Email = $"holder.{i}@example.com",
                Notes = i % 3 == 0 ? null : $"note {i}",
                CreditLimit = 100m * i,
                DateOfBirth = new DateOnly(1980, 1, 1).AddDays(i),
            });
        }

        await context.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
