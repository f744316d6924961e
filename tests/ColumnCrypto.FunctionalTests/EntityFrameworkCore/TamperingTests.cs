using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.EntityFrameworkCore;

[Collection(PostgresTests.Name)]
public sealed class TamperingTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    private static async Task<(int CustomerId, int SupplierId)> SeedAsync(CryptoApp app)
    {
        await using var context = app.NewContext();
        var customer = new Customer { Email = "customer@example.com", Notes = "customer notes" };
        var supplier = new Supplier { Email = "supplier@example.com" };
        context.AddRange(customer, supplier);
        await context.SaveChangesAsync();
        return (customer.Id, supplier.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ciphertext_moved_to_another_column_fails_naming_table_column_and_version(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await CryptoApp.StartAsync(database, masterKey);
        var (customerId, _) = await SeedAsync(app);

        await database.ExecuteAsync("UPDATE customers SET \"Email\" = \"Notes\"");

        await using var context = app.NewContext();
        var error = await Assert.ThrowsAsync<ColumnDecryptionException>(() => context.Customers.SingleAsync(c => c.Id == customerId));
        Assert.Contains("customers.Email", error.Message, StringComparison.Ordinal);
        Assert.Contains("key version 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(("customers", "Email", 1), (error.Table, error.Column, error.KeyVersion));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ciphertext_moved_to_another_table_fails_naming_table_column_and_version(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await CryptoApp.StartAsync(database, masterKey);
        var (_, supplierId) = await SeedAsync(app);
        var customerEmail = (byte[])(await database.ScalarAsync("SELECT \"Email\" FROM customers"))!;

        await database.ExecuteAsync(
            provider == Provider.PostgreSql ? "UPDATE suppliers SET \"Email\" = @value" : "UPDATE suppliers SET \"Email\" = $value",
            (provider == Provider.PostgreSql ? "value" : "$value", customerEmail));

        await using var context = app.NewContext();
        var error = await Assert.ThrowsAsync<ColumnDecryptionException>(() => context.Suppliers.SingleAsync(s => s.Id == supplierId));
        Assert.Contains("suppliers.Email", error.Message, StringComparison.Ordinal);
        Assert.Contains("authentication tag does not match", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Stored_value_with_a_flipped_bit_or_truncated_fails_with_the_library_error(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await CryptoApp.StartAsync(database, masterKey);
        var (customerId, _) = await SeedAsync(app);
        var original = (byte[])(await database.ScalarAsync("SELECT \"Email\" FROM customers"))!;
        var parameter = provider == Provider.PostgreSql ? "@value" : "$value";

        // One position in each region of the layout (header, key version, nonce, payload, tag) and three truncations;
        // every position and length is covered without a database by the core unit tests.
        var corruptions = new List<byte[]>();
        foreach (var bit in new[] { 0, 2 * 8, 6 * 8, 10 * 8, 25 * 8, (original.Length - 1) * 8 + 7 })
        {
            var flipped = original.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            corruptions.Add(flipped);
        }

        corruptions.Add(original[..1]);
        corruptions.Add(original[..34]);
        corruptions.Add(original[..^1]);

        foreach (var corrupted in corruptions)
        {
            await database.ExecuteAsync($"UPDATE customers SET \"Email\" = {parameter}", (parameter, corrupted));
            await using var context = app.NewContext();
            var error = await Assert.ThrowsAsync<ColumnDecryptionException>(() => context.Customers.SingleAsync(c => c.Id == customerId));
            Assert.Contains("customers.Email", error.Message, StringComparison.Ordinal);
        }
    }
}
