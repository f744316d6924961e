using System.Diagnostics.Metrics;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.Diagnostics;

/// <summary>
/// docs/observability.md lists exactly the instruments the <c>ColumnCrypto</c> meter publishes, with their type, unit and
/// the tags they are measured with, after an application encrypted, decrypted, failed a decryption, unwrapped a key
/// another instance created, rolled over, counted coverage and re-encrypted.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ObservabilityDocumentationTests(PostgresServer postgres)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_documented_instrument_table_is_what_the_ColumnCrypto_meter_publishes_and_measures()
    {
        using var database = await TestDatabase.CreateAsync(Provider.Sqlite, postgres);
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var app = await PeopleApp.CreateAsync(database, masterKey, time, createTables: true);
        using var meter = new DocumentedMeter(ColumnCryptoTelemetry.MeterName, app.Services.GetRequiredService<IMeterFactory>());

        await app.Keys.InitializeAsync(None);
        await app.WritePeopleAsync(1, 12);
        var stored = (byte[])(await database.ScalarAsync("SELECT email FROM people WHERE id = 3"))!;
        Assert.Equal("person3@example.com", app.Encryptor.Decrypt<string>(PeopleApp.Email, stored));
        stored[^1] ^= 1;
        Assert.Throws<ColumnDecryptionException>(() => app.Encryptor.Decrypt<string>(PeopleApp.Email, stored));

        // Another instance rolls over; this one unwraps the new key when it reloads.
        await using (var other = await PeopleApp.CreateAsync(database, masterKey, time))
        {
            await other.Lifecycle.RotateAsync();
        }

        await app.Keys.RefreshAsync(None);
        await app.Lifecycle.RotateAsync();
        Assert.Equal(12, (await app.Reencryptor.RunAsync()).Reencrypted);
        await app.Lifecycle.GetCoverageAsync();
        meter.AssertMatchesDocument();

        // The conventions the table promises: lowercase dotted names, and durations only in seconds.
        Assert.All(ObservabilityDocument.Instruments(), i =>
        {
            Assert.Matches("^columncrypto(\\.[a-z_]+)+$", i.Name);
            Assert.True(i.Type != "histogram" || i.Unit == "s", $"{i.Name} is a histogram in {i.Unit}, not seconds");
            Assert.All(i.Tags, t => Assert.Matches("^[a-z_]+(\\.[a-z_]+)+$", t));
        });
    }
}
