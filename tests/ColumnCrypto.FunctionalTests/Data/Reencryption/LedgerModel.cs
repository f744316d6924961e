using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

/// <summary>An account with four encrypted columns: binary string, decimal and int, and a base64 text column.</summary>
public sealed class Account
{
    public long Id { get; set; }

    public string Owner { get; set; } = string.Empty;

    [Encrypted] public string Email { get; set; } = string.Empty;

    [Encrypted] public decimal Balance { get; set; }

    [Encrypted] public int? Pin { get; set; }

    [Encrypted(Storage = EncryptedStorage.Base64Text)] public string? Note { get; set; }

    public static Account Sample(long i) => new()
    {
        Owner = $"owner {i}",
        Email = $"user{i}@example.com ✉ {new string('x', (int)(i % 7))}",
        Balance = i * 10.25m - 3,
        Pin = i % 5 == 0 ? null : (int)(i * 7 % 10_000),
        Note = i % 3 == 0 ? null : $"note {i} \\ 'quoted' 😀",
    };
}

/// <summary>The application's context: accounts with encrypted columns, ColumnCrypto's tables by convention.</summary>
public sealed class LedgerContext(DbContextOptions<LedgerContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Account>(a =>
        {
            a.ToTable("accounts");
            a.Property(x => x.Id).ValueGeneratedNever();
        });
}

/// <summary>
/// The same table before encryption: no UseColumnEncryption, so [Encrypted] is ignored and the columns hold plaintext
/// (text, numeric, integer).
/// </summary>
public sealed class LegacyLedgerContext(DbContextOptions<LegacyLedgerContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Account>(a =>
        {
            a.ToTable("accounts");
            a.Property(x => x.Id).ValueGeneratedNever();
        });
}
