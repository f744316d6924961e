using System.Globalization;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore;

/// <summary>
/// A common SQLite set-up binds the context to one shared connection (<c>UseSqlite(connection)</c>). ColumnCrypto's
/// key work must never run on it: the key store opens connections of its own, and <c>SaveChanges</c> reserves the
/// encryptions it is about to make before its transaction takes the database's write lock, so a 100,000-row
/// <c>SaveChanges</c> (well over one reserved block) neither waits for a reservation it blocks nor encrypts uncounted.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class SharedConnectionReservationTests(PostgresServer postgres)
{
    private const int Rows = 100_000;

    [Fact]
    public async Task A_100000_row_SaveChanges_on_one_shared_SQLite_connection_reserves_beforehand_and_never_on_that_connection()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        using var masterKey = new MasterKeyFile();
        await using var shared = new SqliteConnection(database.ConnectionString);
        await shared.OpenAsync();
        var services = new ServiceCollection();
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = true);
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDbContextKeyStore<ShopContext>().WithoutHostedService();
        services.AddDbContext<ShopContext>((sp, o) => o.UseSqlite(shared).UseColumnEncryption(sp));
        await using var provider = services.BuildServiceProvider();
        using (var scope = provider.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ShopContext>().Database.EnsureCreatedAsync();
        }

        var keys = provider.GetRequiredService<ColumnCrypto.Keys.IDataKeyManager>();
        await keys.InitializeAsync(CancellationToken.None);

        using (var scope = provider.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
            context.Suppliers.AddRange(Enumerable.Range(0, Rows).Select(i => new Supplier { Email = $"supplier{i}@example.com" }));
            await context.SaveChangesAsync();
        }

        // Every value was encrypted, counted by a reservation written before SaveChanges took the write lock.
        Assert.Equal((long)Rows, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM suppliers"), CultureInfo.InvariantCulture));
        var reserved = Convert.ToInt64(await database.ScalarAsync("SELECT encryption_count FROM columncrypto_data_keys"), CultureInfo.InvariantCulture);
        Assert.True(reserved >= Rows, $"{reserved} encryptions reserved for {Rows} values");
        var problems = provider.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning && r.Category?.StartsWith("ColumnCrypto", StringComparison.Ordinal) == true).Select(r => $"{r.Message} {r.Exception?.Message}").ToList();
        Assert.Empty(problems);

        using (var scope = provider.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<ShopContext>();
            Assert.Equal("supplier99999@example.com", (await context.Suppliers.OrderByDescending(s => s.Id).FirstAsync()).Email);
        }

        // The application's connection is still the application's: no statement of ColumnCrypto's is left on it.
        Assert.Equal(System.Data.ConnectionState.Open, shared.State);
    }
}
