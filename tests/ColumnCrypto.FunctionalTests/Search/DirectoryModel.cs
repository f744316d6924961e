using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Search;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>A person with searchable encrypted properties of several types, one normalized, one unique.</summary>
public sealed class Person
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    [Encrypted(Searchable = true)] public string Email { get; set; } = string.Empty;

    [Encrypted(Searchable = true, Normalization = BlindIndexNormalization.CaseInsensitive | BlindIndexNormalization.Trim)]
    public string? Login { get; set; }

    [Encrypted(Searchable = true)] public int? Score { get; set; }

    [Encrypted(Searchable = true)] public Guid NationalId { get; set; }

    [Encrypted(Searchable = true)] public DateOnly? Birthday { get; set; }

    [Encrypted(Searchable = true)] public decimal Balance { get; set; }

    [Encrypted(Searchable = true)] public Tier Tier { get; set; }

    [Encrypted(Searchable = true, Storage = EncryptedStorage.Base64Text)] public string? Code { get; set; }

    /// <summary>Encrypted, not searchable: lookups on it stay refused.</summary>
    [Encrypted] public string? Secret { get; set; }
}

/// <summary>A second table holding the same kind of value, to compare the indexes of two columns.</summary>
public sealed class Vendor
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;
}

public sealed class DirectoryContext(DbContextOptions<DirectoryContext> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    public DbSet<Vendor> Vendors => Set<Vendor>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>(person =>
        {
            person.ToTable("people");
            person.HasIndex(p => p.Email).IsUnique();
        });
        modelBuilder.Entity<Vendor>(vendor =>
        {
            vendor.ToTable("vendors");
            vendor.Property(v => v.Email).HasColumnName("email").IsEncrypted(searchable: true);
        });
    }
}
