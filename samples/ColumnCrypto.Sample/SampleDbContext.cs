using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.Sample;

/// <summary>
/// The sample's model. UseColumnEncryption (in <see cref="SampleApp"/>) encrypts the [Encrypted] properties and adds
/// ColumnCrypto's key table (columncrypto_data_keys) to this model, so the migrations create it too.
/// EF migrations are per database: <see cref="SqliteSampleDbContext"/> and <see cref="PostgresSampleDbContext"/> each
/// have their own (Migrations/Sqlite, Migrations/Postgres).
/// </summary>
public abstract class SampleDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.ToTable("customers");
            customer.Property(c => c.Id).HasColumnName("id");
            customer.Property(c => c.Name).HasColumnName("name").HasMaxLength(200);
            customer.Property(c => c.Email).HasColumnName("email");
            customer.Property(c => c.NationalId).HasColumnName("national_id");
            customer.Property(c => c.Notes).HasColumnName("notes");
            customer.Property(c => c.DateOfBirth).HasColumnName("date_of_birth");
            customer.Property(c => c.CreditLimit).HasColumnName("credit_limit");
            customer.Property(c => c.CreatedAt).HasColumnName("created_at");
        });
    }
}

/// <summary>The sample's context on SQLite (the default: a local file, no server).</summary>
public sealed class SqliteSampleDbContext(DbContextOptions<SqliteSampleDbContext> options) : SampleDbContext(options);

/// <summary>The sample's context on PostgreSQL (with --connection "Host=...").</summary>
public sealed class PostgresSampleDbContext(DbContextOptions<PostgresSampleDbContext> options) : SampleDbContext(options);
