using ColumnCrypto.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Sample;

/// <summary>
/// Lets 'dotnet ef migrations add' build the model. Building it needs ColumnCrypto's encryptor (for the column types)
/// but no master key and no database: keys are only loaded on first use.
/// </summary>
internal static class DesignTimeServices
{
    public static IServiceProvider Create() =>
        new ServiceCollection().AddColumnCrypto().UseDataKeyStore(new Keys.InMemoryDataKeyStore()).WithoutHostedService().Services.BuildServiceProvider();
}

internal sealed class SqliteSampleDbContextFactory : IDesignTimeDbContextFactory<SqliteSampleDbContext>
{
    public SqliteSampleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSampleDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .UseColumnEncryption(DesignTimeServices.Create())
            .Options);
}

internal sealed class PostgresSampleDbContextFactory : IDesignTimeDbContextFactory<PostgresSampleDbContext>
{
    public PostgresSampleDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSampleDbContext>()
            .UseNpgsql("Host=localhost;Database=design_time")
            .UseColumnEncryption(DesignTimeServices.Create())
            .Options);
}
