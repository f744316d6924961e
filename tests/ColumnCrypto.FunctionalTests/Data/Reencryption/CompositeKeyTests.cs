using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

/// <summary>A row keyed by (region, number, id): text, integer and uuid key columns.</summary>
public sealed class Entry
{
    public string Region { get; set; } = string.Empty;

    public int Number { get; set; }

    public Guid Id { get; set; }

    [Encrypted] public string Memo { get; set; } = string.Empty;

    [Encrypted(Storage = EncryptedStorage.Base64Text)] public DateOnly? Due { get; set; }
}

public sealed class JournalContext(DbContextOptions<JournalContext> options) : DbContext(options)
{
    public DbSet<Entry> Entries => Set<Entry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Entry>(e =>
        {
            e.ToTable("journal_entries");
            e.HasKey(x => new { x.Region, x.Number, x.Id });
        });
}

[Collection(PostgresTests.Name)]
public sealed class CompositeKeyTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Tables_with_a_composite_primary_key_of_text_integer_and_uuid_are_re_encrypted(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDbContextKeyStore<JournalContext>().WithoutHostedService();
        services.AddDbContextFactory<JournalContext>((sp, o) => database.Configure(o).UseColumnEncryption(sp));
        await using var app = services.BuildServiceProvider();
        var contexts = app.GetRequiredService<IDbContextFactory<JournalContext>>();
        var keys = app.GetRequiredService<IDataKeyManager>();
        var entries = Enumerable.Range(0, 150).Select(i => new Entry
        {
            Region = i % 3 == 0 ? "north" : "south's \"quoted\"",
            Number = i / 7,
            Id = Guid.NewGuid(),
            Memo = $"memo {i}",
            Due = i % 4 == 0 ? null : new DateOnly(2026, 1, 1).AddDays(i),
        }).ToList();
        await using (var context = await contexts.CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
            await keys.InitializeAsync(CancellationToken.None);
            context.Entries.AddRange(entries);
            await context.SaveChangesAsync();
        }

        var newest = await keys.RollOverAsync(CancellationToken.None);
        ColumnCryptoDatabase cryptoDatabase;
        await using (var context = await contexts.CreateDbContextAsync())
        {
            cryptoDatabase = context.GetColumnCryptoDatabase();
            var registered = await context.RecordEncryptedColumnsAsync();
            Assert.All(registered, c => Assert.Equal(["Region", "Number", "Id"], c.KeyColumns));
        }

        var result = await ColumnReencryptor.Create(cryptoDatabase, app, new Configuration.ReencryptionOptions { BatchSize = 16, PauseBetweenBatches = 0, Workers = 2 }).RunAsync();

        Assert.True(result.Complete);
        Assert.Equal(150 + entries.Count(e => e.Due is not null), result.Reencrypted);
        var coverage = await app.GetRequiredService<DataKeyLifecycle>().GetCoverageAsync();
        Assert.Equal([newest], coverage.VersionsInUse);
        await using (var context = await contexts.CreateDbContextAsync())
        {
            var read = await context.Entries.AsNoTracking().ToDictionaryAsync(e => e.Id);
            Assert.All(entries, e => Assert.Equivalent(e, read[e.Id], strict: true));
        }
    }
}
