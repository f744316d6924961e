using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.Benchmarks;

/// <summary>The lookup benchmark's row: an e-mail of 40 characters, plain and indexed in one model, searchable in the other.</summary>
public sealed class Customer
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;
}

/// <summary>The insert benchmark's row with an encrypted, not searchable, e-mail.</summary>
public sealed class EncryptedRow
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;
}

/// <summary>The insert benchmark's row with a searchable encrypted e-mail: the same, plus its blind index.</summary>
public sealed class SearchableRow
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;
}

/// <summary>The baseline: customers with a plaintext e-mail and an ordinary index on it, without ColumnCrypto.</summary>
public sealed class PlainLookupContext(DbContextOptions<PlainLookupContext> options) : DbContext(options)
{
    public const string Table = "customers";

    public DbSet<Customer> Customers => Set<Customer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Customer>(customer =>
    {
        customer.ToTable(Table);
        customer.HasIndex(c => c.Email);
    });
}

/// <summary>
/// The ColumnCrypto model: customers with a searchable encrypted e-mail (its <c>Email_bidx</c> column and index come
/// from the convention), and the two insert tables, encrypted without and with <c>searchable</c>. The key table lives here.
/// </summary>
public sealed class SearchBenchContext(DbContextOptions<SearchBenchContext> options) : DbContext(options)
{
    public const string EncryptedTable = "rows_encrypted";
    public const string SearchableTable = "rows_searchable";

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<EncryptedRow> EncryptedRows => Set<EncryptedRow>();

    public DbSet<SearchableRow> SearchableRows => Set<SearchableRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.ToTable(PlainLookupContext.Table);
            customer.Property(c => c.Email).IsEncrypted(searchable: true);
        });
        modelBuilder.Entity<EncryptedRow>(row =>
        {
            row.ToTable(EncryptedTable);
            row.Property(r => r.Email).IsEncrypted();
        });
        modelBuilder.Entity<SearchableRow>(row =>
        {
            row.ToTable(SearchableTable);
            row.Property(r => r.Email).IsEncrypted(searchable: true);
        });
    }
}
