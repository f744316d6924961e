using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore;

/// <summary>
/// Filtering, ordering or grouping on an encrypted column would silently return wrong results (values are randomized),
/// so such queries throw; projection and null tests work.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class QueryGuardTests(PostgresServer postgres) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private MasterKeyFile _masterKey = null!;
    private CryptoApp _app = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        _masterKey = new MasterKeyFile();
        _app = await CryptoApp.StartAsync(_database, _masterKey);
        await using var context = _app.NewContext();
        context.Customers.AddRange(
            new Customer { PlainName = "a", Email = "a@example.com", Notes = "x", Score = 1 },
            new Customer { PlainName = "b", Email = "b@example.com", Notes = null, Score = 2 });
        await context.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _masterKey.Dispose();
        _database.Dispose();
    }

    public static TheoryData<string> RefusedQueries => new()
    {
        "equality filter",
        "contains filter",
        "order by",
        "group by",
        "comparison of an encrypted number",
        "distinct projection",
        "in list",
        "filter after projection",
    };

    private static IQueryable<object> Query(ShopContext context, string name) => name switch
    {
        "equality filter" => context.Customers.Where(c => c.Email == "a@example.com"),
        "contains filter" => context.Customers.Where(c => c.Email.Contains("example")),
        "order by" => context.Customers.OrderBy(c => c.Email),
        "group by" => context.Customers.GroupBy(c => c.Email).Select(g => (object)g.Count()),
        "comparison of an encrypted number" => context.Customers.Where(c => c.Score > 1),
        "distinct projection" => context.Customers.Select(c => c.Email).Distinct(),
        "in list" => context.Customers.Where(c => new[] { "a@example.com" }.Contains(c.Email)),
        "filter after projection" => context.Customers.Select(c => c.Email).Where(e => e == "a@example.com"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(RefusedQueries))]
    public async Task Query_that_compares_an_encrypted_column_throws_a_clear_error(string query)
    {
        await using var context = _app.NewContext();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Query(context, query).ToListAsync());
        Assert.Contains("encrypted column customers.", error.Message, StringComparison.Ordinal);
        Assert.Contains("silently return wrong results", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Projection_and_null_tests_on_encrypted_columns_work()
    {
        await using var context = _app.NewContext();
        Assert.Equal(["a@example.com", "b@example.com"], await context.Customers.OrderBy(c => c.PlainName).Select(c => c.Email).ToListAsync());
        Assert.Equal("a", (await context.Customers.SingleAsync(c => c.Notes != null)).PlainName);
        Assert.Equal("b", (await context.Customers.SingleAsync(c => c.Notes == null)).PlainName);
    }
}
