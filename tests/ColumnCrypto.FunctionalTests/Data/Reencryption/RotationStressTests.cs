using System.Collections.Concurrent;
using System.Globalization;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

[Collection(PostgresTests.Name)]
public sealed class RotationStressTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Rows = 300;
    private const int Writers = 2;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Two application instances on one PostgreSQL database for a bounded time: writers update rows (Email and
    /// Balance together, so a row must always read consistently) and insert new ones, readers on both instances
    /// decrypt random rows, one instance rolls the key over every few hundred milliseconds, the other re-encrypts in a
    /// loop. Every decrypt must be correct, and no operation may fail: the documented outcome of a race between the
    /// application and the re-encryption is "changed meanwhile" (the application's value wins), not an error.
    /// </summary>
    [Fact]
    public async Task Concurrent_encrypt_decrypt_rollover_and_re_encryption_for_a_bounded_time_decrypt_correctly_and_raise_no_error()
    {
        using var database = await TestDatabase.CreateAsync(Provider.PostgreSql, postgres);
        using var masterKey = new MasterKeyFile();
        await using var writerApp = await LedgerApp.StartAsync(database, masterKey);
        await writerApp.AddAccountsAsync(Rows);
        await using (var context = writerApp.NewContext())
        {
            await context.Accounts.ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, 0m));
        }

        await using (var context = writerApp.NewContext())
        {
            // Generation 0 of every row: Email names the row and its generation, Balance repeats the generation.
            foreach (var account in await context.Accounts.ToListAsync())
            {
                account.Email = Email(account.Id, 0);
            }

            await context.SaveChangesAsync();
        }

        await writerApp.RecordColumnsAsync();
        await using var reencryptingApp = await LedgerApp.StartAsync(database, masterKey, createSchema: false);
        var generations = new ConcurrentDictionary<long, long>(Enumerable.Range(1, Rows).Select(i => KeyValuePair.Create((long)i, 0L)));
        var errors = new ConcurrentQueue<Exception>();
        var counts = new ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource(Duration);

        async Task Loop(string name, Func<Random, Task> body)
        {
            var random = new Random(name.GetHashCode(StringComparison.Ordinal));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await body(random);
                    counts.AddOrUpdate(name, 1, (_, n) => n + 1);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            }
        }

        var nextId = (long)Rows;
        var tasks = new List<Task>();
        for (var w = 0; w < Writers; w++)
        {
            var writer = w;
            tasks.Add(Task.Run(() => Loop($"write{writer}", async random =>
            {
                await using var context = writerApp.NewContext();
                if (random.Next(10) == 0)
                {
                    var id = Interlocked.Increment(ref nextId);
                    context.Accounts.Add(new Account { Id = id, Owner = "new", Email = Email(id, 0), Balance = 0 });
                    await context.SaveChangesAsync();
                    generations[id] = 0;
                    return;
                }

                // Each writer owns the rows of its residue, so a row's latest generation is known.
                var row = random.Next(Rows / Writers) * Writers + writer + 1;
                var account = await context.Accounts.SingleAsync(a => a.Id == row);
                var generation = generations[row] + 1;
                account.Email = Email(row, generation);
                account.Balance = generation;
                await context.SaveChangesAsync();
                generations[row] = generation;
            })));
        }

        foreach (var (reader, app) in new[] { ("read-writer-app", writerApp), ("read-reencrypting-app", reencryptingApp) })
        {
            tasks.Add(Task.Run(() => Loop(reader, async random =>
            {
                await using var context = app.NewContext();
                var row = random.Next(1, Rows + 1);
                var account = await context.Accounts.AsNoTracking().SingleAsync(a => a.Id == row);
                var generation = long.Parse(account.Email.Split(':')[1], CultureInfo.InvariantCulture);
                if (account.Email != Email(row, generation) || account.Balance != generation || generation > generations[row] + 1)
                {
                    throw new InvalidOperationException($"Row {row} read as '{account.Email}' with balance {account.Balance}.");
                }
            })));
        }

        tasks.Add(Task.Run(() => Loop("rollover", async _ =>
        {
            await writerApp.Keys.RollOverAsync(CancellationToken.None);
            await Task.Delay(400, CancellationToken.None);
        })));
        var reencryptor = reencryptingApp.Reencryptor(batchSize: 50);
        long reencrypted = 0, changedMeanwhile = 0;
        tasks.Add(Task.Run(() => Loop("reencrypt", async _ =>
        {
            var result = await reencryptor.RunAsync(CancellationToken.None);
            Interlocked.Add(ref reencrypted, result.Reencrypted);
            Interlocked.Add(ref changedMeanwhile, result.ChangedMeanwhile);
            if (result.Failed > 0)
            {
                throw new InvalidOperationException($"{result.Failed} values failed to re-encrypt.");
            }
        })));

        await Task.WhenAll(tasks);
        output.WriteLine(string.Join(", ", counts.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")) + $"; re-encrypted {reencrypted}, changed meanwhile {changedMeanwhile}");
        Assert.True(errors.IsEmpty, string.Join("\n\n", errors.Take(5)));
        Assert.True(counts.GetValueOrDefault("rollover") >= 5, "The stress test should roll over several times.");
        Assert.True(reencrypted > 0, "The stress test should re-encrypt values.");
        Assert.All(Enumerable.Range(0, Writers), w => Assert.True(counts.GetValueOrDefault($"write{w}") > 0));

        // Quiet again: one more run puts everything on the newest key, and every row holds its latest generation.
        var final = await reencryptor.RunAsync();
        Assert.True(final.Complete);
        await StoredAccounts.AssertAllOnVersionAsync(database, reencryptingApp.Encryptor, final.TargetVersion);
        var accounts = await writerApp.ReadAccountsAsync();
        Assert.Equal(generations.Count, accounts.Count);
        Assert.All(accounts.Values, a =>
        {
            Assert.Equal(Email(a.Id, generations[a.Id]), a.Email);
            Assert.Equal(generations[a.Id], a.Balance);
        });
    }

    private static string Email(long id, long generation) => string.Create(CultureInfo.InvariantCulture, $"{id}:{generation}");
}
