using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

[Collection(PostgresTests.Name)]
public sealed class ConcurrentUpdateTests(PostgresServer postgres)
{
    private const long Target = 42;
    private const string UsersEmail = "written.by.the.user@example.com";

    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_user_update_to_a_row_while_it_is_being_re_encrypted_survives(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using var app = await LedgerApp.StartAsync(database, masterKey);
        await app.AddAccountsAsync(200);
        var newest = await app.Keys.RollOverAsync(CancellationToken.None);
        await app.RecordColumnsAsync();
        var expected = await app.ReadAccountsAsync();
        expected[Target].Email = UsersEmail;

        var reencryptor = app.Reencryptor(batchSize: 50);
        Task? userUpdate = null;
        reencryptor.Hooks.OnStep = async (step, batch, cancellationToken) =>
        {
            if (step != ReencryptionStep.BatchRead || !batch.Keys.Any(k => (long)k[0] == Target) || userUpdate is not null)
            {
                return;
            }

            // The row has been read (with its old Email) and not written yet: the user saves a new Email now.
            userUpdate = Task.Run(() => UpdateEmailAsync(app), cancellationToken);
            if (provider == Provider.PostgreSql)
            {
                // The batch holds the row lock: the user's UPDATE waits for the batch and is applied after it.
                await WaitUntilBlockedAsync(database);
            }
            else
            {
                await userUpdate;
            }
        };

        var result = await reencryptor.RunAsync();
        Assert.NotNull(userUpdate);
        await userUpdate;

        // Whoever wrote last, the user's Email is what the row holds, and the run left nothing behind.
        var read = await app.ReadAccountsAsync();
        Assert.Equal(UsersEmail, read[Target].Email);
        StoredAccounts.AssertSame(expected, read);
        Assert.Equal(provider == Provider.Sqlite ? 1 : 0, result.ChangedMeanwhile);
        Assert.True(result.Complete);
        await StoredAccounts.AssertAllOnVersionAsync(database, app.Encryptor, newest);
    }

    private static async Task UpdateEmailAsync(LedgerApp app)
    {
        await using var context = app.NewContext();
        var account = await context.Accounts.SingleAsync(a => a.Id == Target);
        account.Email = UsersEmail;
        await context.SaveChangesAsync();
    }

    private static async Task WaitUntilBlockedAsync(TestDatabase database)
    {
        for (var i = 0; i < 200; i++)
        {
            var waiting = (long)(await database.ScalarAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%'"))!;
            if (waiting > 0)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("The user's UPDATE never waited for the batch's row lock.");
    }
}
