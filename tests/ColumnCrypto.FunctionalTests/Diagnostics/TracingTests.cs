using System.Collections.Concurrent;
using System.Diagnostics;
using ColumnCrypto.Diagnostics;
using ColumnCrypto.FunctionalTests.Infrastructure;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.Diagnostics;

/// <summary>
/// The spans of the <c>ColumnCrypto</c> activity source, seen by an <see cref="ActivityListener"/> as an OpenTelemetry
/// exporter sees them: key-table loads and unwraps at start, rollover and key creation, each re-encryption batch with
/// its table, columns and rows, retirement, error status on a refused operation, and never a key in any tag.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class TracingTests(PostgresServer postgres)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The ColumnCrypto spans under one test's root span (other tests run meanwhile), in the order they ended.</summary>
    private sealed class Spans : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _ended = new();
        private readonly Activity _root;

        public Spans()
        {
            _root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == ColumnCryptoTelemetry.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    if (a.TraceId == _root!.TraceId)
                    {
                        _ended.Enqueue(a);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> All => [.. _ended];

        public IReadOnlyList<Activity> Named(string name) => [.. _ended.Where(a => a.OperationName == name)];

        public void Clear() => _ended.Clear();

        public void Dispose()
        {
            _root.Dispose();
            _listener.Dispose();
        }
    }

    [Theory]
    [InlineData(Provider.PostgreSql)]
    [InlineData(Provider.Sqlite)]
    public async Task Key_loads_unwraps_rollover_reencryption_batches_and_retirement_are_spans_whose_tags_hold_no_key(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var spans = new Spans();

        // First start: version 1 is created, wrapped and verified.
        await using (var first = await PeopleApp.CreateAsync(database, masterKey, time, createTables: true))
        {
            await first.Keys.InitializeAsync(None);
            await first.WritePeopleAsync(1, 25);
        }

        var create = Assert.Single(spans.Named("columncrypto.key.create"));
        Assert.Equal(1, create.GetTagItem(ColumnCryptoTelemetry.KeyVersionTag));
        Assert.Equal("the data key table has no active key", create.GetTagItem("columncrypto.rollover.reason"));
        Assert.Contains(spans.Named("columncrypto.key.wrap"), s => s.GetTagItem(ColumnCryptoTelemetry.KeyVersionTag) is 1);

        // A restart loads the table and unwraps version 1 (and the ring key) under its load span.
        spans.Clear();
        await using var app = await PeopleApp.CreateAsync(database, masterKey, time, batchSize: 10);
        await app.Keys.InitializeAsync(None);
        var load = spans.Named("columncrypto.keyring.load")[0];
        Assert.Equal("columncrypto_data_keys", load.GetTagItem(ColumnCryptoTelemetry.TableTag));
        Assert.Equal(1, load.GetTagItem("columncrypto.keyring.active_keys"));
        Assert.Equal(1, load.GetTagItem("columncrypto.keys.unwrapped"));
        var unwrap = Assert.Single(spans.Named("columncrypto.key.unwrap"), s => s.GetTagItem(ColumnCryptoTelemetry.KeyVersionTag) is 1);
        Assert.Equal(load.SpanId, unwrap.ParentSpanId);
        Assert.Equal("local", unwrap.GetTagItem(ColumnCryptoTelemetry.WrappingProviderTag));
        Assert.StartsWith("local:", (string?)unwrap.GetTagItem(ColumnCryptoTelemetry.WrappingKeyIdTag), StringComparison.Ordinal);
        var check = Assert.Single(spans.Named("columncrypto.key.rollover"));
        Assert.Equal(false, check.GetTagItem("columncrypto.rollover.due"));
        Assert.All(spans.All, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));

        // A due rollover, then a re-encryption of 25 rows in batches of 10.
        time.Advance(TimeSpan.FromDays(366));
        Assert.Equal(2, await app.Keys.RollOverIfDueAsync(None));
        var rollover = spans.Named("columncrypto.key.rollover")[^1];
        Assert.Equal(true, rollover.GetTagItem("columncrypto.rollover.due"));
        Assert.Equal("key version 1 is older than the rollover schedule of 365 days", rollover.GetTagItem("columncrypto.rollover.reason"));
        Assert.Contains(spans.Named("columncrypto.key.create"), s => s.GetTagItem(ColumnCryptoTelemetry.KeyVersionTag) is 2 && s.ParentSpanId == rollover.SpanId);

        var secrets = new List<byte[]> { masterKey.Bytes };
        secrets.AddRange((await app.Services.GetRequiredService<IDataKeyStore>().ReadAsync(None)).Rows.Select(r => r.WrappedKey));
        var result = await app.Reencryptor.RunAsync();
        Assert.Equal(25, result.Reencrypted);
        var batches = spans.Named("columncrypto.reencryption.batch").Where(b => b.GetTagItem("columncrypto.reencryption.rows_written") is > 0L).ToList();
        Assert.Equal([10L, 10L, 5L], batches.Select(b => (long)b.GetTagItem("columncrypto.reencryption.rows_written")!));
        Assert.All(batches, b =>
        {
            Assert.Equal("people", b.GetTagItem(ColumnCryptoTelemetry.TableTag));
            Assert.Equal(["email"], (string[])b.GetTagItem("columncrypto.column.names")!);
            Assert.Equal(2, b.GetTagItem(ColumnCryptoTelemetry.KeyVersionTag));
        });

        // Retiring the newest key is refused: the span says so; retiring version 1 once it is unused succeeds.
        await Assert.ThrowsAsync<ColumnCryptoRefusedException>(() => app.Lifecycle.RetireAsync(2));
        var refused = spans.Named("columncrypto.key.retire")[^1];
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
        Assert.Contains("newest active key", refused.StatusDescription, StringComparison.Ordinal);
        Assert.Equal(typeof(ColumnCryptoRefusedException).FullName, refused.GetTagItem("error.type"));
        time.Advance(TimeSpan.FromHours(2));
        await app.Lifecycle.RetireAsync(1);
        var retired = spans.Named("columncrypto.key.retire")[^1];
        Assert.Equal(1, retired.GetTagItem(ColumnCryptoTelemetry.KeyVersionTag));
        Assert.Equal(ActivityStatusCode.Unset, retired.Status);

        // Crypto-shredding and a rewrap onto the key that already wraps every row are spans too.
        await app.Lifecycle.DestroyAsync(1, DataKeyLifecycle.DestroyConfirmation(1));
        Assert.Equal(1, Assert.Single(spans.Named("columncrypto.key.destroy")).GetTagItem(ColumnCryptoTelemetry.KeyVersionTag));
        await app.Lifecycle.RewrapAsync(app.Lifecycle.ConfiguredKey);
        var rewrap = Assert.Single(spans.Named("columncrypto.key.rewrap"));
        Assert.Equal(0, rewrap.GetTagItem("columncrypto.keys.rewrapped"));
        Assert.Equal("local", rewrap.GetTagItem(ColumnCryptoTelemetry.WrappingProviderTag));

        // Every span is documented, and no tag holds the master key or a wrapped key, in base64 or hex.
        var documented = ObservabilityDocument.Spans();
        Assert.All(spans.All, s => Assert.Contains(s.OperationName, documented));
        var forms = secrets.SelectMany(s => new[] { Convert.ToBase64String(s), Convert.ToHexString(s), Convert.ToHexStringLower(s), Convert.ToBase64String(s.AsSpan(0, 16)) }).ToList();
        var values = spans.All.SelectMany(s => s.TagObjects.Select(t => t.Value is string[] array ? string.Join(",", array) : Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))
            .Concat(spans.All.Select(s => s.StatusDescription ?? "")).ToList();
        Assert.True(values.Count > 50);
        Assert.All(values, value => Assert.DoesNotContain(forms, form => value.Contains(form, StringComparison.Ordinal)));
    }
}
