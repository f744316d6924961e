using System.Text;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore;

[Collection(PostgresTests.Name)]
public sealed class RoundTripTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static Customer FullCustomer() => new()
    {
        PlainName = "Ada",
        Email = "ada@example.com 😀𝄞 non-BMP",
        Notes = string.Empty,
        Photo = [0, 1, 2, 255],
        Signature = null,
        Score = int.MinValue,
        OptionalScore = 42,
        Balance = long.MaxValue,
        OptionalBalance = null,
        CreditLimit = 12345.6789m,
        OptionalCreditLimit = decimal.MinValue,
        Ratio = double.Epsilon,
        OptionalRatio = double.NaN,
        Vip = true,
        OptionalVip = false,
        NationalId = Guid.NewGuid(),
        OptionalNationalId = null,
        LastSeen = new DateTime(2025, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567),
        OptionalLastSeen = new DateTime(2025, 5, 6, 7, 8, 9, DateTimeKind.Local),
        SignedUp = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(5.5)),
        OptionalSignedUp = null,
        DateOfBirth = new DateOnly(1815, 12, 10),
        OptionalDateOfBirth = DateOnly.MaxValue,
        Tier = Tier.Gold,
        OptionalPermissions = Permissions.Admin | Permissions.Write,
        TextStoredSecret = "stays text",
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_supported_type_round_trips_including_null_empty_and_non_BMP(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await CryptoApp.StartAsync(database, masterKey);
        var written = FullCustomer();
        var emptyOne = new Customer { Email = string.Empty, Photo = [], Notes = null };
        await using (var context = app.NewContext())
        {
            context.Customers.AddRange(written, emptyOne);
            await context.SaveChangesAsync();
        }

        await using (var context = app.NewContext())
        {
            var read = await context.Customers.AsNoTracking().SingleAsync(c => c.Id == written.Id);
            Assert.Equivalent(written, read, strict: true);
            Assert.True(double.IsNaN(read.OptionalRatio!.Value));
            Assert.Equal(DateTimeKind.Local, read.OptionalLastSeen!.Value.Kind);
            Assert.Equal(TimeSpan.FromHours(5.5), read.SignedUp.Offset);

            var empty = await context.Customers.AsNoTracking().SingleAsync(c => c.Id == emptyOne.Id);
            Assert.Equal(string.Empty, empty.Email);
            Assert.NotNull(empty.Email);
            Assert.Null(empty.Notes);
            Assert.Empty(empty.Photo);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Stored_value_holds_no_plaintext_and_carries_the_key_version(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await CryptoApp.StartAsync(database, masterKey);
        await using (var context = app.NewContext())
        {
            context.Customers.Add(new Customer { Email = "grace.hopper@example.com", TextStoredSecret = "cobol-is-fine" });
            await context.SaveChangesAsync();
        }

        var stored = (byte[])(await database.ScalarAsync("SELECT \"Email\" FROM customers"))!;
        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(stored));
        Assert.DoesNotContain("grace", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount("grace.hopper@example.com") + 35, stored.Length);

        var text = (string)(await database.ScalarAsync("SELECT \"TextStoredSecret\" FROM customers"))!;
        Assert.DoesNotContain("cobol", text, StringComparison.Ordinal);
        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(Convert.FromBase64String(text)));

        Assert.Null(await database.ScalarAsync("SELECT \"Notes\" FROM customers"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Fluent_IsEncrypted_encrypts_like_the_attribute(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await CryptoApp.StartAsync(database, masterKey);
        await using (var context = app.NewContext())
        {
            context.Notes.Add(new Note { Body = "fluent secret" });
            await context.SaveChangesAsync();
        }

        var stored = (byte[])(await database.ScalarAsync("SELECT \"Body\" FROM notes"))!;
        Assert.Equal(1, ColumnEncryptor.GetKeyVersion(stored));
        await using (var context = app.NewContext())
        {
            Assert.Equal("fluent secret", (await context.Notes.SingleAsync()).Body);
        }
    }
}
