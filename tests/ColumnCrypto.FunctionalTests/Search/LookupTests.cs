using System.Globalization;
using System.Text;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Search;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Search;

/// <summary>Equality lookups on searchable encrypted properties through EF Core, on both databases.</summary>
[Collection(PostgresTests.Name)]
public sealed class LookupTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static readonly Guid AdaId = Guid.Parse("00000000-0000-4000-8000-00000000000a");

    private static List<Person> Sample() =>
    [
        new() { Name = "ada", Email = "ada@example.com", Login = "Ada.Lovelace", Score = 10, NationalId = AdaId, Birthday = new DateOnly(1815, 12, 10), Balance = 12.50m, Tier = Tier.Gold, Code = "A-1", Secret = "s" },
        new() { Name = "bob", Email = "bob@example.com", Login = null, Score = null, NationalId = Guid.NewGuid(), Birthday = null, Balance = 0m, Tier = Tier.Basic, Code = null },
        new() { Name = "cy", Email = "cy@example.com", Login = "cy", Score = 10, NationalId = Guid.NewGuid(), Birthday = new DateOnly(1990, 1, 1), Balance = 12.5m, Tier = Tier.Basic, Code = "C-3" },
    ];

    private async Task<Started> StartAsync(Provider provider)
    {
        var database = await TestDatabase.CreateAsync(provider, postgres);
        var masterKey = new MasterKeyFile();
        var app = await DirectoryApp.StartAsync(database, masterKey);
        await using var context = app.NewContext();
        context.People.AddRange(Sample());
        context.Vendors.Add(new Vendor { Email = "ada@example.com" });
        await context.SaveChangesAsync();
        return new Started(database, masterKey, app);
    }

    /// <summary>One started test: the database, master key and application (index keys in the key table), disposed together.</summary>
    private sealed record Started(TestDatabase Database, MasterKeyFile MasterKey, DirectoryApp App) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            MasterKey.Dispose();
            Database.Dispose();
        }
    }

    private static async Task<List<string>> NamesAsync(IQueryable<Person> query) => await query.OrderBy(p => p.Name).Select(p => p.Name).ToListAsync();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Lookups_by_every_kind_of_value_find_exactly_the_rows_holding_it(Provider provider)
    {
        await using var started = await StartAsync(provider);
        var app = started.App;
        await using (var db = app.NewContext())
        {
            var email = "ada@example.com";
            int? score = 10;
            var day = new DateOnly(1815, 12, 10);
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => p.Email == email)));
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => email == p.Email)));
#pragma warning disable CA1309 // The overload without a comparison is the one LINQ providers translate.
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => p.Email.Equals(email))));
#pragma warning restore CA1309
            Assert.Equal(["bob", "cy"], await NamesAsync(db.People.Where(p => p.Email != email)));
            Assert.Equal(["ada", "cy"], await NamesAsync(db.People.Where(p => p.Score == score)));
            Assert.Equal(["ada", "cy"], await NamesAsync(db.People.Where(p => p.Score == 10)));
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => p.NationalId == AdaId)));
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => p.Birthday == day)));
            Assert.Equal(["ada", "cy"], await NamesAsync(db.People.Where(p => p.Balance == 12.50m)));
            Assert.Equal(["ada", "cy"], await NamesAsync(db.People.Where(p => p.Balance == 12.5m)));
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => p.Tier == Tier.Gold)));
            Assert.Equal(["bob", "cy"], await NamesAsync(db.People.Where(p => p.Tier != Tier.Gold)));
            Assert.Equal(["cy"], await NamesAsync(db.People.Where(p => p.Code == "C-3")));
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => p.Email == "ada@example.com" && p.Tier == Tier.Gold)));
            Assert.Empty(await NamesAsync(db.People.Where(p => p.Email == "nobody@example.com")));

            // 12.50m and 12.5m are equal in .NET, so they are one lookup, although each decrypts with its own scale.
            var balance = 12.500m;
            Assert.Equal(2, await db.People.CountAsync(p => p.Balance == balance));
            var balances = await db.People.Where(p => p.Balance == balance).OrderBy(p => p.Id).Select(p => p.Balance).ToListAsync();
            Assert.Equal(["12.50", "12.5"], balances.Select(b => b.ToString(CultureInfo.InvariantCulture)));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Null_tests_Contains_and_lookups_inside_Any_Count_First_Single_and_ExecuteDelete_work(Provider provider)
    {
        await using var started = await StartAsync(provider);
        var app = started.App;
        await using (var db = app.NewContext())
        {
            string? none = null;
            Assert.Equal(["bob"], await NamesAsync(db.People.Where(p => p.Login == null)));
            Assert.Equal(["bob"], await NamesAsync(db.People.Where(p => p.Login == none)));
            Assert.Equal(["ada", "cy"], await NamesAsync(db.People.Where(p => p.Login != null)));
            Assert.Equal(["ada", "cy"], await NamesAsync(db.People.Where(p => p.Login != none)));

            var wanted = new List<string> { "ada@example.com", "cy@example.com", "zed@example.com" };
            Assert.Equal(["ada", "cy"], await NamesAsync(db.People.Where(p => wanted.Contains(p.Email))));
            Assert.Equal(["bob"], await NamesAsync(db.People.Where(p => !wanted.Contains(p.Email))));
            Assert.Equal(["ada", "bob"], await NamesAsync(db.People.Where(p => new[] { "ada@example.com", "bob@example.com" }.Contains(p.Email))));
            Assert.Empty(await NamesAsync(db.People.Where(p => new List<string>().Contains(p.Email))));
            Assert.Equal(["cy"], await NamesAsync(db.People.Where(p => new List<string> { "cy@example.com" }.Contains(p.Email))));
            Assert.Empty(await NamesAsync(db.People.Where(p => Array.Empty<string>().Contains(p.Email))));
            var many = Enumerable.Range(0, 150).Select(i => $"user{i}@example.com").Append("bob@example.com").ToArray();
            Assert.Equal(["bob"], await NamesAsync(db.People.Where(p => many.Contains(p.Email))));
            var tiers = new[] { Tier.Gold };
            Assert.Equal(["ada"], await NamesAsync(db.People.Where(p => tiers.Contains(p.Tier))));

            Assert.True(await db.People.AnyAsync(p => p.Email == "cy@example.com"));
            Assert.False(await db.People.AnyAsync(p => p.Email == "zed@example.com"));
            Assert.Equal(2, await db.People.CountAsync(p => p.Score == 10));
            Assert.Equal("ada", (await db.People.FirstAsync(p => p.Email == "ada@example.com")).Name);
            Assert.Null(await db.People.FirstOrDefaultAsync(p => p.Email == "zed@example.com"));
            Assert.Equal("cy", (await db.People.SingleAsync(p => p.Email == "cy@example.com")).Name);
            Assert.Null(await db.People.SingleOrDefaultAsync(p => p.Email == "zed@example.com"));

            Assert.Equal(1, await db.People.Where(p => p.Email == "cy@example.com").ExecuteDeleteAsync());
            Assert.Equal(["ada", "bob"], await NamesAsync(db.People));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_cached_query_computes_the_index_of_each_executions_value_and_normalized_lookups_ignore_case_and_spaces(Provider provider)
    {
        await using var started = await StartAsync(provider);
        var app = started.App;
        {
            foreach (var (email, expected) in new[] { ("ada@example.com", "ada"), ("bob@example.com", "bob"), ("cy@example.com", "cy") })
            {
                await using var db = app.NewContext();
                Assert.Equal(expected, (await db.People.SingleAsync(p => p.Email == email)).Name);
            }

            // One active index key: one scalar comparison on the index column, the SQL of an indexed plaintext lookup.
            await using (var db = app.NewContext())
            {
                var email = "ada@example.com";
                var sql = db.People.Where(p => p.Email == email).ToQueryString();
                Assert.Matches(@"WHERE [""`]?\w*[""`]?\.?[""`]?Email_bidx[""`]? = @\w+\s*$", sql.Trim().Split('\n').Last(l => l.Contains("WHERE", StringComparison.Ordinal)).Trim());
            }

            var compiled = EF.CompileAsyncQuery((DirectoryContext db, string login) => db.People.Single(p => p.Login == login));
            await using (var db = app.NewContext())
            {
                Assert.Equal("ada", (await compiled(db, "  ADA.lovelace ")).Name);
                Assert.Equal("cy", (await compiled(db, "CY")).Name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Updates_and_ExecuteUpdate_keep_the_index_in_step_with_the_value(Provider provider)
    {
        await using var started = await StartAsync(provider);
        var app = started.App;
        {
            await using (var db = app.NewContext())
            {
                var ada = await db.People.SingleAsync(p => p.Email == "ada@example.com");
                ada.Email = "countess@example.com";
                await db.SaveChangesAsync();
            }

            await using (var db = app.NewContext())
            {
                Assert.False(await db.People.AnyAsync(p => p.Email == "ada@example.com"));
                Assert.Equal("ada", (await db.People.SingleAsync(p => p.Email == "countess@example.com")).Name);

                var newEmail = "bobby@example.com";
                Assert.Equal(1, await db.People.Where(p => p.Email == "bob@example.com").ExecuteUpdateAsync(s => s.SetProperty(p => p.Email, newEmail)));
                Assert.Equal("bob", (await db.People.SingleAsync(p => p.Email == newEmail)).Name);
                Assert.Equal(newEmail, (await db.People.AsNoTracking().SingleAsync(p => p.Name == "bob")).Email);

                var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                    db.People.Where(p => p.Name == "cy").ExecuteUpdateAsync(s => s.SetProperty(p => p.Email, p => p.Name)));
                Assert.Contains("blind index", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_stored_index_shows_no_plaintext_and_differs_between_columns_holding_the_same_value(Provider provider)
    {
        await using var started = await StartAsync(provider);
        var (database, _, app) = started;
        {
            var person = (byte[])(await database.ScalarAsync("SELECT \"Email_bidx\" FROM people WHERE \"Name\" = 'ada'"))!;
            var vendor = (byte[])(await database.ScalarAsync("SELECT email_bidx FROM vendors"))!;

            Assert.Equal(BlindIndexLayout.Length, person.Length);
            Assert.DoesNotContain("ada", Encoding.UTF8.GetString(person), StringComparison.Ordinal);
            Assert.NotEqual(person[BlindIndexLayout.HeaderLength..], vendor[BlindIndexLayout.HeaderLength..]);
            Assert.Equal(app.BlindIndex.ComputeForWrite(new SearchableColumn(new EncryptedColumn("people", "Email")), "ada@example.com"), person);
            Assert.Null(await database.ScalarAsync("SELECT \"Login_bidx\" FROM people WHERE \"Name\" = 'bob'"));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_unique_index_on_a_searchable_property_refuses_a_second_row_with_the_same_value(Provider provider)
    {
        await using var started = await StartAsync(provider);
        var (database, masterKey, app) = started;
        {
            await using (var db = app.NewContext())
            {
                db.People.Add(new Person { Name = "copy", Email = "ada@example.com" });
                await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            }

            // Two instances insert the same new value at once: exactly one succeeds.
            await using var second = await DirectoryApp.StartAsync(database, masterKey);
            async Task<bool> InsertAsync(DirectoryApp instance)
            {
                await using var db = instance.NewContext();
                db.People.Add(new Person { Name = "race", Email = "race@example.com" });
                try
                {
                    await db.SaveChangesAsync();
                    return true;
                }
                catch (DbUpdateException)
                {
                    return false;
                }
            }

            var outcomes = await Task.WhenAll(InsertAsync(app), InsertAsync(second));
            Assert.Single(outcomes, won => won);
            await using var check = app.NewContext();
            Assert.Equal(1, await check.People.CountAsync(p => p.Email == "race@example.com"));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Other_queries_on_encrypted_columns_are_still_refused_and_the_message_points_to_Searchable(Provider provider)
    {
        await using var started = await StartAsync(provider);
        var app = started.App;
        await using (var db = app.NewContext())
        {
            var secret = await Assert.ThrowsAsync<InvalidOperationException>(() => db.People.Where(p => p.Secret == "s").ToListAsync());
            Assert.Contains("Searchable = true", secret.Message, StringComparison.Ordinal);

            foreach (var query in new IQueryable<object>[]
            {
                db.People.OrderBy(p => p.Email),
                db.People.Where(p => p.Email.StartsWith("ada")),
                db.People.Where(p => p.Score > 5),
                db.People.Where(p => p.Email == p.Login),
                db.People.GroupBy(p => p.Email).Select(g => (object)g.Count()),
            })
            {
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => query.ToListAsync());
                Assert.Contains("The column is searchable, which allows only equality", error.Message, StringComparison.Ordinal);
            }
        }
    }
}
