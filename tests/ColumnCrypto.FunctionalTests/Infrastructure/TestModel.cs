using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Infrastructure;

public enum Tier : byte
{
    Basic = 1,
    Gold = 200,
}

[Flags]
public enum Permissions : long
{
    None = 0,
    Read = 1,
    Write = 2,
    Admin = long.MinValue,
}

/// <summary>One encrypted property of every supported type, required and nullable.</summary>
public sealed class Customer
{
    public int Id { get; set; }

    public string PlainName { get; set; } = string.Empty;

    [Encrypted] public string Email { get; set; } = string.Empty;
    [Encrypted] public string? Notes { get; set; }
    [Encrypted] public byte[] Photo { get; set; } = [];
    [Encrypted] public byte[]? Signature { get; set; }
    [Encrypted] public int Score { get; set; }
    [Encrypted] public int? OptionalScore { get; set; }
    [Encrypted] public long Balance { get; set; }
    [Encrypted] public long? OptionalBalance { get; set; }
    [Encrypted] public decimal CreditLimit { get; set; }
    [Encrypted] public decimal? OptionalCreditLimit { get; set; }
    [Encrypted] public double Ratio { get; set; }
    [Encrypted] public double? OptionalRatio { get; set; }
    [Encrypted] public bool Vip { get; set; }
    [Encrypted] public bool? OptionalVip { get; set; }
    [Encrypted] public Guid NationalId { get; set; }
    [Encrypted] public Guid? OptionalNationalId { get; set; }
    [Encrypted] public DateTime LastSeen { get; set; }
    [Encrypted] public DateTime? OptionalLastSeen { get; set; }
    [Encrypted] public DateTimeOffset SignedUp { get; set; }
    [Encrypted] public DateTimeOffset? OptionalSignedUp { get; set; }
    [Encrypted] public DateOnly DateOfBirth { get; set; }
    [Encrypted] public DateOnly? OptionalDateOfBirth { get; set; }
    [Encrypted] public Tier Tier { get; set; }
    [Encrypted] public Permissions? OptionalPermissions { get; set; }

    [Encrypted(Storage = EncryptedStorage.Base64Text)] public string? TextStoredSecret { get; set; }
}

/// <summary>A second table, to move ciphertexts between tables.</summary>
public sealed class Supplier
{
    public int Id { get; set; }

    [Encrypted] public string Email { get; set; } = string.Empty;
}

/// <summary>A property encrypted through the fluent API only.</summary>
public sealed class Note
{
    public int Id { get; set; }

    public string Body { get; set; } = string.Empty;
}

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Supplier> Suppliers => Set<Supplier>();

    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>().ToTable("customers");
        modelBuilder.Entity<Supplier>().ToTable("suppliers");
        modelBuilder.Entity<Note>(note =>
        {
            note.ToTable("notes");
            note.Property(n => n.Body).IsEncrypted();
        });
    }
}
