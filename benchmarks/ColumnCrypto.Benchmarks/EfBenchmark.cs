using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Keys;
using ColumnCrypto.Kms.Aws;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ColumnCrypto.Benchmarks;

/// <summary>The benchmark row: three 40-character strings, encrypted in one model and plain in the other.</summary>
public sealed class Person
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Phone { get; set; } = string.Empty;
}

/// <summary>The model with its three strings encrypted (binary storage, the default).</summary>
public sealed class EncryptedContext(DbContextOptions<EncryptedContext> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Person>(person =>
    {
        person.ToTable("people");
        person.Property(p => p.Email).IsEncrypted();
        person.Property(p => p.Name).IsEncrypted();
        person.Property(p => p.Phone).IsEncrypted();
    });
}

/// <summary>The same model without encryption.</summary>
public sealed class PlainContext(DbContextOptions<PlainContext> options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Person>().ToTable("people");
}

/// <summary>
/// A diagnostic third model: unencrypted, storing the very ciphertext bytes the encrypted model stores (75-byte binary
/// values instead of 40-character text). Encrypted minus this is the cost of the cryptography; this minus plain is the
/// cost of storing and moving bigger binary values.
/// </summary>
public sealed class PersonBlob
{
    public int Id { get; set; }

    public byte[] Email { get; set; } = [];

    public byte[] Name { get; set; } = [];

    public byte[] Phone { get; set; } = [];
}

/// <summary>The unencrypted model of <see cref="PersonBlob"/>.</summary>
public sealed class BlobContext(DbContextOptions<BlobContext> options) : DbContext(options)
{
    public DbSet<PersonBlob> People => Set<PersonBlob>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<PersonBlob>().ToTable("people");
}

/// <summary>
/// EF Core end to end: N rows × 3 encrypted 40-character strings inserted with one SaveChanges, then read back with
/// AsNoTracking, against the same model unencrypted, in one process. Each variant has its own database (EnsureCreated
/// creates nothing in a database that has tables). Variants alternate which goes first in each run; every timed step
/// starts after a full GC and on an empty table; medians are taken after warm-up runs. KMS calls (meter
/// ColumnCrypto.Kms.Aws) and data key unwraps (meter ColumnCrypto) are counted, split into warm-up and steady state.
/// </summary>
public static class EfBenchmark
{
    public const string PostgresVariable = "COLUMNCRYPTO_BENCH_POSTGRES";
    public const string KmsVariable = "COLUMNCRYPTO_BENCH_KMS_URL";
    public const double ReadRatioTarget = 2.0;
    private const int StringsPerRow = 3;

    public static async Task<int> RunAsync(Options options)
    {
        var loadBefore = MachineInfo.Uptime();
        var kmsUrl = Environment.GetEnvironmentVariable(KmsVariable) is { Length: > 0 } url ? url : null;
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } pg ? pg : null;
        var results = new List<ProviderResult>();
        using var counters = new CallCounters();

        results.Add(await RunProviderAsync("SQLite", new SqliteDatabases(), kmsUrl, counters, options));
        if (postgres is null)
        {
            Console.Error.WriteLine($"{PostgresVariable} is not set: PostgreSQL skipped (scripts/bench.sh starts a throwaway cluster and sets it).");
        }
        else
        {
            results.Add(await RunProviderAsync("PostgreSQL", new PostgresDatabases(postgres), kmsUrl, counters, options));
        }

        var settings = postgres is null ? null : await PostgresSettings.DescribeAsync(postgres);
        var markdown = Report(results, options, kmsUrl is not null, loadBefore, MachineInfo.Uptime(), settings);
        MicroRunner.Write(options, markdown);
        return results.All(r => r.Verified) ? 0 : 1;
    }

    private static async Task<ProviderResult> RunProviderAsync(string name, IDatabases databases, string? kmsUrl, CallCounters counters, Options options)
    {
        Console.WriteLine($"== {name}: {options.Rows} rows × {StringsPerRow} strings, {options.WarmupRuns} warm-up + {options.Runs} measured runs");
        using var masterKey = new TempMasterKey();
        var encryptedConnection = await databases.CreateAsync("enc");
        var plainConnection = await databases.CreateAsync("plain");
        var blobConnection = await databases.CreateAsync("blob");
        var kmsKeyId = kmsUrl is null ? null : await CreateKmsKeyAsync(kmsUrl);
        var result = new ProviderResult(name, options.Rows) { UsedKms = kmsKeyId is not null };

        // Deployment: one instance creates the schema and data key version 1, then goes away.
        counters.Reset();
        await using (var setup = BuildApp(databases, encryptedConnection, plainConnection, blobConnection, masterKey, kmsUrl, kmsKeyId))
        {
            await using (var context = await setup.GetRequiredService<IDbContextFactory<EncryptedContext>>().CreateDbContextAsync())
            {
                await context.Database.EnsureCreatedAsync();
            }

            await using (var context = await setup.GetRequiredService<IDbContextFactory<PlainContext>>().CreateDbContextAsync())
            {
                await context.Database.EnsureCreatedAsync();
            }

            await using (var context = await setup.GetRequiredService<IDbContextFactory<BlobContext>>().CreateDbContextAsync())
            {
                await context.Database.EnsureCreatedAsync();
            }

            await setup.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);
        }

        result.SetupKmsCalls = counters.KmsCalls;

        // The measured application: a new instance (a new process, as far as keys go) on the existing key table.
        counters.Reset();
        await using var app = BuildApp(databases, encryptedConnection, plainConnection, blobConnection, masterKey, kmsUrl, kmsKeyId);
        var encrypted = app.GetRequiredService<IDbContextFactory<EncryptedContext>>();
        var plain = app.GetRequiredService<IDbContextFactory<PlainContext>>();
        var blob = app.GetRequiredService<IDbContextFactory<BlobContext>>();
        await app.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);

        var values = Enumerable.Range(0, options.Rows)
            .Select(i => (Email: Pad($"user{i:D7}@example.test"), Name: Pad($"Given{i:D7} Family"), Phone: Pad($"+44 20 7946 {i:D7}")))
            .ToArray();
        var emails = values.Select(v => v.Email).ToHashSet(StringComparer.Ordinal);

        // The blob model stores the bytes the encrypted model would (encrypted once, outside any timing).
        var encryptor = app.GetRequiredService<ColumnEncryptor>();
        var blobValues = values.Select(v => (
                Email: encryptor.Encrypt(new EncryptedColumn("people", "Email"), v.Email)!,
                Name: encryptor.Encrypt(new EncryptedColumn("people", "Name"), v.Name)!,
                Phone: encryptor.Encrypt(new EncryptedColumn("people", "Phone"), v.Phone)!))
            .ToArray();
        var blobSize = blobValues[0].Email.Length;

        var variants = new[]
        {
            new Variant(
                Plain,
                () => plain.CreateDbContext(),
                () => values.Select(v => new Person { Email = v.Email, Name = v.Name, Phone = v.Phone }).ToList(),
                async c => await ((PlainContext)c).People.AsNoTracking().ToListAsync(),
                rows => VerifyPeople(rows, values.Length, emails)),
            new Variant(
                Encrypted,
                () => encrypted.CreateDbContext(),
                () => values.Select(v => new Person { Email = v.Email, Name = v.Name, Phone = v.Phone }).ToList(),
                async c => await ((EncryptedContext)c).People.AsNoTracking().ToListAsync(),
                rows => VerifyPeople(rows, values.Length, emails)),
            new Variant(
                Blobs,
                () => blob.CreateDbContext(),
                () => blobValues.Select(v => new PersonBlob { Email = v.Email, Name = v.Name, Phone = v.Phone }).ToList(),
                async c => await ((BlobContext)c).People.AsNoTracking().ToListAsync(),
                rows => rows.Count == values.Length && rows.Cast<PersonBlob>().All(p => p.Email.Length == blobSize)),
        };

        for (var run = 0; run < options.WarmupRuns + options.Runs; run++)
        {
            var measured = run >= options.WarmupRuns;
            if (run == options.WarmupRuns)
            {
                result.WarmupKmsCalls = counters.KmsCalls;
                result.WarmupUnwraps = counters.Unwraps;
                counters.Reset();
            }

            // Interleaved: the order rotates every run, so drift (other load, caches, WAL) hits every variant alike.
            var order = variants.Skip(run % variants.Length).Concat(variants.Take(run % variants.Length)).ToArray();
            foreach (var variant in order)
            {
                await databases.EmptyAsync(variant.CreateContext);
                var insert = await TimeInsertAsync(variant);
                if (measured)
                {
                    result.Add("insert", variant.Name, insert);
                }
            }

            foreach (var variant in order)
            {
                var (read, ok) = await TimeReadAsync(variant);
                result.Verified &= ok;
                if (measured)
                {
                    result.Add("read", variant.Name, read);
                }
            }

            Console.WriteLine($"  run {run + 1}{(measured ? string.Empty : " (warm-up)")}: " + string.Join("; ", order.Select(v =>
                $"{v.Name} insert {result.Last("insert", v.Name, measured)} read {result.Last("read", v.Name, measured)}")));
        }

        result.SteadyKmsCalls = counters.KmsCalls;
        result.SteadyUnwraps = counters.Unwraps;
        result.KeyVersions = (await app.GetRequiredService<IDataKeyManager>().GetKeysAsync(CancellationToken.None)).Count;
        await databases.DropAsync();
        return result;
    }

    /// <summary>One application instance as a user wires it: AddColumnCrypto, the key table in the encrypted context's database.</summary>
    private static ServiceProvider BuildApp(IDatabases databases, string encryptedConnection, string plainConnection, string blobConnection, TempMasterKey masterKey, string? kmsUrl, string? kmsKeyId)
    {
        var services = new ServiceCollection();
        var crypto = services.AddColumnCrypto(o =>
        {
            if (kmsKeyId is null)
            {
                o.MasterKey.File = masterKey.Path;
            }
            else
            {
                o.Plugins.Set(AwsKmsOptions.SectionName, new AwsKmsOptions { Plugin = "awsKms", IsKms = true, KeyId = kmsKeyId, Region = KmsRegion, ServiceUrl = kmsUrl });
            }
        }).UseDbContextKeyStore<EncryptedContext>().WithoutHostedService();
        if (kmsKeyId is not null)
        {
            crypto.AddAwsKms();
        }

        services.AddDbContextFactory<EncryptedContext>((sp, o) => databases.Configure(o, encryptedConnection).UseColumnEncryption(sp));
        services.AddDbContextFactory<PlainContext>((_, o) => databases.Configure(o, plainConnection));
        services.AddDbContextFactory<BlobContext>((_, o) => databases.Configure(o, blobConnection));
        return services.BuildServiceProvider();
    }

    private static async Task<Timing> TimeInsertAsync(Variant variant)
    {
        var rows = variant.NewRows();
        var timer = StepTimer.Start();
        await using (var context = variant.CreateContext())
        {
            context.AddRange(rows);
            await context.SaveChangesAsync();
        }

        return timer.Stop();
    }

    private static async Task<(Timing Timing, bool Ok)> TimeReadAsync(Variant variant)
    {
        var timer = StepTimer.Start();
        IReadOnlyList<object> rows;
        await using (var context = variant.CreateContext())
        {
            rows = await variant.ReadAll(context);
        }

        var timing = timer.Stop();

        // Outside the timing: every row came back, with its values.
        var ok = variant.Verify(rows);
        if (!ok)
        {
            Console.Error.WriteLine($"  {variant.Name}: read back {rows.Count} rows that do not match what was inserted");
        }

        return (timing, ok);
    }

    private static bool VerifyPeople(IReadOnlyList<object> rows, int count, HashSet<string> emails) =>
        rows.Count == count && rows.Cast<Person>().All(p => emails.Contains(p.Email) && p.Name.Length == 40 && p.Phone.Length == 40);

    private static string Pad(string value) => value.PadRight(40, '.');

    // ---- KMS ------------------------------------------------------------------------------------------------

    private const string KmsRegion = "us-east-1";

    /// <summary>Creates a KMS key in the emulator. The app itself finds credentials through the SDK's default chain.</summary>
    private static async Task<string> CreateKmsKeyAsync(string url)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")))
        {
            // The emulator accepts any credentials; an IAM role would provide them in production.
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "bench");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "bench");
        }

        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        using var admin = new AmazonKeyManagementServiceClient(new BasicAWSCredentials("admin", "admin"),
            new AmazonKeyManagementServiceConfig { ServiceURL = url, AuthenticationRegion = KmsRegion });
        var response = await admin.CreateKeyAsync(new CreateKeyRequest { Description = "ColumnCrypto benchmark key" });
        return response.KeyMetadata.KeyId;
    }

    // ---- report ---------------------------------------------------------------------------------------------

    /// <summary>The insert target: at most this times the unencrypted insert.</summary>
    public static double InsertRatioTarget(string provider) => provider == "PostgreSQL" ? 1.10 : 1.15;

    private static string Report(List<ProviderResult> results, Options options, bool kms, string loadBefore, string loadAfter, string? postgresSettings)
    {
        var md = new StringBuilder()
            .AppendLine("# EF Core end to end: encrypted vs plain")
            .AppendLine()
            .AppendLine("Written by `scripts/bench.sh` (`dotnet run -c Release --project benchmarks/ColumnCrypto.Benchmarks -- ef`).")
            .AppendLine(CultureInfo.InvariantCulture, $"{options.Rows:N0} rows × {StringsPerRow} strings of 40 characters; insert = `AddRange` + one `SaveChangesAsync`; read = `AsNoTracking().ToListAsync()` of all rows.")
            .AppendLine(CultureInfo.InvariantCulture, $"The same model with and without encryption (binary storage), in one process, each in its own database; variants interleaved (the one that goes first alternates); {options.WarmupRuns} warm-up runs, then medians of {options.Runs} runs. A full GC before each timed step.")
            .AppendLine("Wall time is what a user waits; CPU time is this process's CPU (all threads, not the PostgreSQL server), which other load on a shared machine disturbs less.")
            .AppendLine()
            .AppendLine(MachineInfo.Markdown())
            .AppendLine(CultureInfo.InvariantCulture, $"| load (`uptime`) before / after | {loadBefore} / {loadAfter} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| PostgreSQL settings | {postgresSettings ?? "not run"} |")
            .AppendLine()
            .AppendLine(options.Note is null ? string.Empty : $"> {options.Note}\n")
            .AppendLine("## Targets")
            .AppendLine()
            .AppendLine("Judged on the median of the per-run ratios (encrypted / plain of the same run); its spread is the lowest to highest per-run ratio, with the")
            .AppendLine("interquartile range in brackets. The ratio of the medians and the CPU-time ratio are shown beside it.")
            .AppendLine()
            .AppendLine("| provider | target | median of per-run ratios | spread: min–max [IQR] | ratio of medians | CPU-time ratio | met |")
            .AppendLine("| --- | --- | ---: | --- | ---: | ---: | --- |");
        foreach (var r in results)
        {
            var steady = r.UsedKms ? r.SteadyKmsCalls : r.SteadyUnwraps;
            var unwraps = r.WarmupUnwraps + r.SteadyUnwraps;
            foreach (var (step, target) in new[] { ("insert", InsertRatioTarget(r.Name)), ("read", ReadRatioTarget) })
            {
                var paired = r.PairedRatios(step).Order().ToList();
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {step} ≤ {target:F2}× unencrypted | {r.PairedRatio(step):F3}× | {paired[0]:F3}–{paired[^1]:F3} [{Quantile(paired, 0.25):F3}–{Quantile(paired, 0.75):F3}] | {r.Ratio(step):F3}× | {r.Ratio(step, cpu: true):F3}× | {MicroRunner.Yes(r.PairedRatio(step) <= target)} |");
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | 0 {(r.UsedKms ? "KMS calls" : "unwraps")} in steady state (after warm-up) | {steady} | | | | {MicroRunner.Yes(steady == 0)} |")
              .AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | one unwrap per key version per process | {unwraps} unwrap(s){(r.UsedKms ? $" ({r.WarmupKmsCalls + r.SteadyKmsCalls} KMS call(s))" : string.Empty)} for {r.KeyVersions} key version(s) | | | | {MicroRunner.Yes(unwraps == r.KeyVersions && (!r.UsedKms || r.WarmupKmsCalls + r.SteadyKmsCalls == r.KeyVersions))} |");
        }

        if (postgresSettings is null)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL was not run: {PostgresVariable} was not set.");
        }

        md.AppendLine()
            .AppendLine("## Medians")
            .AppendLine()
            .AppendLine("| provider | step | plain | encrypted | ratio (of medians) | median of per-run ratios | added per encrypted value | CPU plain | CPU encrypted | CPU added per encrypted value |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            foreach (var step in new[] { "insert", "read" })
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {step} | {Ms(r.Median(step, "plain"))} | {Ms(r.Median(step, "encrypted"))} | {r.Ratio(step):F3}× | {r.PairedRatio(step):F3}× | {r.MicrosPerValue(step):F3} µs | {Ms(r.Median(step, "plain", cpu: true))} | {Ms(r.Median(step, "encrypted", cpu: true))} | {r.MicrosPerValue(step, cpu: true):F3} µs |");
            }
        }

        md.AppendLine()
            .AppendLine("## Where the added cost goes")
            .AppendLine()
            .AppendLine("`blobs` is a third, unencrypted model that stores the same ciphertext bytes (75-byte binary values instead of 40-character text).")
            .AppendLine("Its difference from plain is the cost of storing and moving bigger binary values; encrypted minus blobs is the cryptography (plus the value converter).")
            .AppendLine()
            .AppendLine("| provider | step | plain | blobs | encrypted | storage per value (blobs − plain) | crypto per value (encrypted − blobs) | CPU: storage per value | CPU: crypto per value |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            foreach (var step in new[] { "insert", "read" })
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {step} | {Ms(r.Median(step, Plain))} | {Ms(r.Median(step, Blobs))} | {Ms(r.Median(step, Encrypted))} | {r.MicrosPerValue(step, Blobs, Plain):F3} µs | {r.MicrosPerValue(step, Encrypted, Blobs):F3} µs | {r.MicrosPerValue(step, Blobs, Plain, cpu: true):F3} µs | {r.MicrosPerValue(step, Encrypted, Blobs, cpu: true):F3} µs |");
            }
        }

        md.AppendLine()
            .AppendLine("## Key calls")
            .AppendLine()
            .AppendLine(kms
                ? "Data keys are wrapped by AWS KMS (a moto emulator on loopback); KMS calls are counted by the meter `ColumnCrypto.Kms.Aws` (`columncrypto.kms.calls`), unwraps by `columncrypto.keys.unwrapped`."
                : $"No KMS emulator ({KmsVariable} not set): data keys are wrapped by the local master key, so unwraps (`columncrypto.keys.unwrapped`) are counted instead of KMS calls.")
            .AppendLine("A deployment instance first creates the schema and key version 1 and is disposed; the measured application is a new instance on that key table, as a restarted process would be.")
            .AppendLine()
            .AppendLine("| provider | KMS calls: deployment (key creation) | KMS calls: app start-up and warm-up | KMS calls: after warm-up | unwraps: app start-up and warm-up | unwraps: after warm-up |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            string Kms(long calls) => r.UsedKms ? calls.ToString(CultureInfo.InvariantCulture) : "n/a";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {Kms(r.SetupKmsCalls)} | {Kms(r.WarmupKmsCalls)} | {Kms(r.SteadyKmsCalls)} | {r.WarmupUnwraps} | {r.SteadyUnwraps} |");
        }

        md.AppendLine()
            .AppendLine("## Every run (wall ms)")
            .AppendLine();
        foreach (var r in results)
        {
            foreach (var step in new[] { "insert", "read" })
            {
                foreach (var variant in new[] { Plain, Encrypted, Blobs })
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Name} {step} {variant}: {Join(r.Wall(step, variant))}");
                }
            }
        }

        return md.ToString();
    }

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));

    private static string Ms(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:F1} ms");

    /// <summary>The <paramref name="q"/> quantile of sorted values, interpolated between neighbours.</summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var position = (sorted.Count - 1) * q;
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private const string Plain = "plain";
    private const string Encrypted = "encrypted";
    private const string Blobs = "blobs";

    private sealed record Variant(
        string Name,
        Func<DbContext> CreateContext,
        Func<IReadOnlyList<object>> NewRows,
        Func<DbContext, Task<IReadOnlyList<object>>> ReadAll,
        Func<IReadOnlyList<object>, bool> Verify);

    private sealed class ProviderResult(string name, int rows)
    {
        private readonly Dictionary<(string Step, string Variant), List<Timing>> _timings = [];

        public string Name => name;

        public bool Verified { get; set; } = true;

        public bool UsedKms { get; init; }

        public long SetupKmsCalls { get; set; }

        public long WarmupKmsCalls { get; set; }

        public long SteadyKmsCalls { get; set; }

        public long WarmupUnwraps { get; set; }

        public long SteadyUnwraps { get; set; }

        public int KeyVersions { get; set; }

        public void Add(string step, string variant, Timing timing)
        {
            if (!_timings.TryGetValue((step, variant), out var list))
            {
                _timings[(step, variant)] = list = [];
            }

            list.Add(timing);
        }

        public List<double> Wall(string step, string variant) => Values(step, variant, cpu: false);

        public double Median(string step, string variant, bool cpu = false) => EfBenchmark.Median(Values(step, variant, cpu));

        public double Ratio(string step, bool cpu = false) => Median(step, "encrypted", cpu) / Median(step, "plain", cpu);

        public double PairedRatio(string step) => EfBenchmark.Median(PairedRatios(step));

        public List<double> PairedRatios(string step) => Wall(step, "encrypted").Zip(Wall(step, "plain"), (e, p) => e / p).ToList();

        public double MicrosPerValue(string step, bool cpu = false) => MicrosPerValue(step, Encrypted, Plain, cpu);

        public double MicrosPerValue(string step, string variant, string baseline, bool cpu = false) =>
            (Median(step, variant, cpu) - Median(step, baseline, cpu)) * 1000 / (rows * StringsPerRow);

        public string Last(string step, string variant, bool measured) => measured ? Ms(Wall(step, variant)[^1]) : "(warm-up)";

        private List<double> Values(string step, string variant, bool cpu) =>
            _timings.TryGetValue((step, variant), out var list) ? list.Select(t => cpu ? t.CpuMs : t.WallMs).ToList() : [];
    }

    /// <summary>Counts KMS calls and data key unwraps, listening only to those instruments (not the per-value counters).</summary>
    private sealed class CallCounters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _kmsCalls;
        private long _unwraps;

        public CallCounters()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if ((instrument.Meter.Name == "ColumnCrypto.Kms.Aws" && instrument.Name == "columncrypto.kms.calls")
                    || (instrument.Meter.Name == "ColumnCrypto" && instrument.Name == "columncrypto.keys.unwrapped"))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == "columncrypto.kms.calls")
                {
                    Interlocked.Add(ref _kmsCalls, value);
                }
                else
                {
                    Interlocked.Add(ref _unwraps, value);
                }
            });
            _listener.Start();
        }

        public long KmsCalls => Interlocked.Read(ref _kmsCalls);

        public long Unwraps => Interlocked.Read(ref _unwraps);

        public void Reset()
        {
            Interlocked.Exchange(ref _kmsCalls, 0);
            Interlocked.Exchange(ref _unwraps, 0);
        }

        public void Dispose() => _listener.Dispose();
    }
}
