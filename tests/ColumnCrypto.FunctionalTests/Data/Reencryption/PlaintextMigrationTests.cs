using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

[Collection(PostgresTests.Name)]
public sealed class PlaintextMigrationTests(PostgresServer postgres)
{
    private const int Rows = 300;

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_legacy_plaintext_column_is_refused_by_default_readable_with_the_migration_flag_and_fully_encrypted_after_a_run(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var expected = await CreateLegacyDatabaseAsync(database);
        var plaintextValues = await CountNonNullAsync(database);

        // The application now marks the columns [Encrypted]; without the flag, plaintext is an error.
        await using (var strict = await LedgerApp.StartAsync(database, masterKey, createSchema: false))
        {
            var refused = await Assert.ThrowsAsync<ColumnDecryptionException>(() => strict.ReadAccountsAsync());
            Assert.Contains("does not start with a ColumnCrypto header", refused.Message, StringComparison.Ordinal);
            Assert.Contains("enable plaintext reads", refused.Message, StringComparison.Ordinal);

            // The re-encryption does not touch plaintext the application has not declared as being migrated.
            await strict.RecordColumnsAsync();
            var untouched = await strict.Reencryptor().RunAsync();
            Assert.Equal(0, untouched.EncryptedPlaintext);
            Assert.Equal(plaintextValues, untouched.Failed);
            Assert.False(untouched.Complete);
            Assert.Equal(plaintextValues, (await strict.Retirement.GetCoverageAsync()).Columns.Sum(c => c.Plaintext));
        }

        // With AllowPlaintextReads(): old values read as before, new writes are encrypted, and a run encrypts the rest.
        await using (var migrating = await LedgerApp.StartAsync(database, masterKey, allowPlaintextReads: true, createSchema: false))
        {
            StoredAccounts.AssertSame(expected, await migrating.ReadAccountsAsync());
            await using (var context = migrating.NewContext())
            {
                var seven = await context.Accounts.SingleAsync(a => a.Id == 7);
                seven.Email = "seven@example.com";
                var added = Account.Sample(Rows + 1);
                added.Id = Rows + 1;
                context.Accounts.Add(added);
                await context.SaveChangesAsync();
                expected[7].Email = seven.Email;
                expected[Rows + 1] = await context.Accounts.AsNoTracking().SingleAsync(a => a.Id == Rows + 1);
            }

            var registered = await migrating.RecordColumnsAsync();
            Assert.All(registered, c => Assert.True(c.PlaintextAllowed));
            var result = await migrating.Reencryptor(batchSize: 64).RunAsync();

            Assert.True(result.Complete);
            Assert.Equal(plaintextValues - 1, result.EncryptedPlaintext);
            Assert.Equal(0, result.Failed);
            await StoredAccounts.AssertAllOnVersionAsync(database, migrating.Encryptor, 1);
            var coverage = await migrating.Retirement.GetCoverageAsync();
            Assert.Equal(0, coverage.Columns.Sum(c => c.Plaintext));
        }

        // The migration is over: the flag goes, and everything reads.
        await using var encrypted = await LedgerApp.StartAsync(database, masterKey, createSchema: false);
        StoredAccounts.AssertSame(expected, await encrypted.ReadAccountsAsync());
    }

    /// <summary>
    /// The table as the application had it before encryption (plaintext text, numeric and integer columns), then the
    /// column type changes of the migration that adds [Encrypted] (as docs/operations.md shows), and ColumnCrypto's
    /// tables from the SQL scripts.
    /// </summary>
    private static async Task<Dictionary<long, Account>> CreateLegacyDatabaseAsync(TestDatabase database)
    {
        var options = database.Configure(new DbContextOptionsBuilder<LegacyLedgerContext>()).Options;
        var accounts = Enumerable.Range(1, Rows).Select(i =>
        {
            var account = Account.Sample(i);
            account.Id = i;
            return account;
        }).ToList();
        await using (var legacy = new LegacyLedgerContext((DbContextOptions<LegacyLedgerContext>)options))
        {
            await legacy.Database.EnsureCreatedAsync();
            legacy.Accounts.AddRange(accounts);
            await legacy.SaveChangesAsync();
        }

        if (database.Provider == Provider.PostgreSql)
        {
            await database.ExecuteAsync("""
                ALTER TABLE accounts
                    ALTER COLUMN "Email" TYPE bytea USING convert_to("Email", 'UTF8'),
                    ALTER COLUMN "Balance" TYPE bytea USING convert_to("Balance"::text, 'UTF8'),
                    ALTER COLUMN "Pin" TYPE bytea USING convert_to("Pin"::text, 'UTF8');
                """);
        }

        // SQLite: EF rebuilds the table for a type change and every value keeps its storage class (TEXT, INTEGER);
        // ColumnCrypto reads them as their text, so nothing else is needed.
        var folder = Path.Combine(AppContext.BaseDirectory, "migrations", database.Provider == Provider.PostgreSql ? "postgresql" : "sqlite");
        foreach (var script in Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal))
        {
            await database.ExecuteAsync(await File.ReadAllTextAsync(script));
        }

        return accounts.ToDictionary(a => a.Id);
    }

    private static async Task<long> CountNonNullAsync(TestDatabase database) =>
        Convert.ToInt64(await database.ScalarAsync("SELECT count(\"Email\") + count(\"Balance\") + count(\"Pin\") + count(\"Note\") FROM accounts"), System.Globalization.CultureInfo.InvariantCulture);
}
