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
    public const double InsertRatioTarget = 1.15;
    public const double ReadMicrosPerValueTarget = 1.2;
    private const int StringsPerRow = 3;

    public static async Task<int> RunAsync(Options options)
    {
        var loadBefore = MicroRunner.LoadAverage();
        var kmsUrl = Environment.GetEnvironmentVariable(KmsVariable);
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        var results = new List<ProviderResult>();
        using var counters = new CallCounters();

        results.Add(await RunProviderAsync("SQLite", new SqliteDatabases(), kmsUrl, counters, options));
        if (string.IsNullOrWhiteSpace(postgres))
        {
            Console.Error.WriteLine($"{PostgresVariable} is not set: PostgreSQL skipped (scripts/bench.sh starts a throwaway cluster and sets it).");
        }
        else
        {
            results.Add(await RunProviderAsync("PostgreSQL", new PostgresDatabases(postgres), kmsUrl, counters, options));
        }

        var markdown = Report(results, options, kmsUrl is not null, loadBefore, MicroRunner.LoadAverage(), postgres is not null);
        MicroRunner.Write(options, markdown);
        return results.All(r => r.Verified) ? 0 : 1;
    }

    private static async Task<ProviderResult> RunProviderAsync(string name, IDatabases databases, string? kmsUrl, CallCounters counters, Options options)
    {
        Console.WriteLine($"== {name}: {options.Rows} rows × {StringsPerRow} strings, {options.WarmupRuns} warm-up + {options.Runs} measured runs");
        using var masterKey = new TempMasterKey();
        var encryptedConnection = await databases.CreateAsync("enc");
        var plainConnection = await databases.CreateAsync("plain");
        var kmsKeyId = kmsUrl is null ? null : await CreateKmsKeyAsync(kmsUrl);

        var services = new ServiceCollection();
        var crypto = services.AddColumnCrypto(o =>
        {
            if (kmsKeyId is null)
            {
                o.MasterKey.File = masterKey.Path;
            }
            else
            {
                o.Plugins.AwsKms = new AwsKmsOptions { Plugin = "awsKms", IsKms = true, KeyId = kmsKeyId, Region = KmsRegion, ServiceUrl = kmsUrl };
            }
        }).UseDbContextKeyStore<EncryptedContext>().WithoutHostedService();
        if (kmsKeyId is not null)
        {
            crypto.AddAwsKms();
        }

        services.AddDbContextFactory<EncryptedContext>((sp, o) => databases.Configure(o, encryptedConnection).UseColumnEncryption(sp));
        services.AddDbContextFactory<PlainContext>((_, o) => databases.Configure(o, plainConnection));
        await using var provider = services.BuildServiceProvider();
        var encrypted = provider.GetRequiredService<IDbContextFactory<EncryptedContext>>();
        var plain = provider.GetRequiredService<IDbContextFactory<PlainContext>>();
        await using (var context = await encrypted.CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
        }

        await using (var context = await plain.CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
        }

        counters.Reset();
        await provider.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);

        var values = Enumerable.Range(0, options.Rows)
            .Select(i => (Email: Pad($"user{i:D7}@example.test"), Name: Pad($"Given{i:D7} Family"), Phone: Pad($"+44 20 7946 {i:D7}")))
            .ToArray();
        var variants = new[]
        {
            new Variant("plain", () => plain.CreateDbContext(), c => ((PlainContext)c).People),
            new Variant("encrypted", () => encrypted.CreateDbContext(), c => ((EncryptedContext)c).People),
        };

        var result = new ProviderResult(name, options.Rows);
        for (var run = 0; run < options.WarmupRuns + options.Runs; run++)
        {
            var measured = run >= options.WarmupRuns;
            if (run == options.WarmupRuns)
            {
                result.WarmupKmsCalls = counters.KmsCalls;
                result.WarmupUnwraps = counters.Unwraps;
                counters.Reset();
            }

            // Interleaved: the variant that goes first alternates, so drift (other load, caches, WAL) hits both alike.
            var order = run % 2 == 0 ? variants : [variants[1], variants[0]];
            foreach (var variant in order)
            {
                await databases.EmptyAsync(variant.CreateContext);
                var insert = await TimeInsertAsync(variant, values);
                if (measured)
                {
                    result.Inserts(variant.Name).Add(insert);
                }
            }

            foreach (var variant in order)
            {
                var (read, ok) = await TimeReadAsync(variant, values);
                result.Verified &= ok;
                if (measured)
                {
                    result.Reads(variant.Name).Add(read);
                }
            }

            Console.WriteLine($"  run {run + 1}{(measured ? string.Empty : " (warm-up)")}: " + string.Join("; ", variants.Select(v =>
                $"{v.Name} insert {result.LastInsert(v.Name, measured)} read {result.LastRead(v.Name, measured)}")));
        }

        result.SteadyKmsCalls = counters.KmsCalls;
        result.SteadyUnwraps = counters.Unwraps;
        result.KeyVersions = (await provider.GetRequiredService<IDataKeyManager>().GetKeysAsync(CancellationToken.None)).Count;
        result.UsedKms = kmsKeyId is not null;
        await databases.DropAsync();
        return result;
    }

    private static async Task<double> TimeInsertAsync(Variant variant, (string Email, string Name, string Phone)[] values)
    {
        var people = values.Select(v => new Person { Email = v.Email, Name = v.Name, Phone = v.Phone }).ToList();
        Collect();
        var clock = Stopwatch.StartNew();
        await using (var context = variant.CreateContext())
        {
            variant.Set(context).AddRange(people);
            await context.SaveChangesAsync();
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<(double Ms, bool Ok)> TimeReadAsync(Variant variant, (string Email, string Name, string Phone)[] values)
    {
        Collect();
        var clock = Stopwatch.StartNew();
        List<Person> people;
        await using (var context = variant.CreateContext())
        {
            people = await variant.Set(context).AsNoTracking().ToListAsync();
        }

        var elapsed = clock.Elapsed.TotalMilliseconds;

        // Outside the timing: every row came back, with its values.
        var expected = values.Select(v => v.Email).ToHashSet(StringComparer.Ordinal);
        var ok = people.Count == values.Length && people.All(p => expected.Contains(p.Email) && p.Name.Length == 40 && p.Phone.Length == 40);
        if (!ok)
        {
            Console.Error.WriteLine($"  {variant.Name}: read back {people.Count} rows that do not match what was inserted");
        }

        return (elapsed, ok);
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

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

    private static string Report(List<ProviderResult> results, Options options, bool kms, string loadBefore, string loadAfter, bool postgres)
    {
        var md = new StringBuilder()
            .AppendLine("# EF Core end to end: encrypted vs plain")
            .AppendLine()
            .AppendLine("Written by `scripts/bench.sh` (`dotnet run -c Release --project tests/ColumnCrypto.Benchmarks -- ef`).")
            .AppendLine(CultureInfo.InvariantCulture, $"{options.Rows:N0} rows × {StringsPerRow} strings of 40 characters; insert = `AddRange` + one `SaveChangesAsync`; read = `AsNoTracking().ToListAsync()` of all rows.")
            .AppendLine(CultureInfo.InvariantCulture, $"Same model with and without encryption, in one process, each in its own database; variants interleaved (the first alternates); {options.WarmupRuns} warm-up runs, then medians of {options.Runs} runs. Full GC before each timed step.")
            .AppendLine()
            .AppendLine(MachineInfo.Markdown())
            .AppendLine(CultureInfo.InvariantCulture, $"| load average (1 min) before / after | {loadBefore} / {loadAfter} |")
            .AppendLine()
            .AppendLine(options.Note is null ? string.Empty : $"> {options.Note}\n")
            .AppendLine("## Targets")
            .AppendLine()
            .AppendLine("| provider | target | measured | met |")
            .AppendLine("| --- | --- | --- | --- |");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | insert ≤ {InsertRatioTarget:F2}× unencrypted | {r.InsertRatio:F3}× | {MicroRunner.Yes(r.InsertRatio <= InsertRatioTarget)} |")
              .AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | read adds ≤ {ReadMicrosPerValueTarget} µs per encrypted value | {r.ReadMicrosPerValue:F3} µs | {MicroRunner.Yes(r.ReadMicrosPerValue <= ReadMicrosPerValueTarget)} |")
              .AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | 0 {(r.UsedKms ? "KMS calls" : "unwraps")} after warm-up | {(r.UsedKms ? r.SteadyKmsCalls : r.SteadyUnwraps)} | {MicroRunner.Yes((r.UsedKms ? r.SteadyKmsCalls : r.SteadyUnwraps) == 0)} |")
              .AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | one unwrap per key version per process | {r.WarmupUnwraps + r.SteadyUnwraps} unwrap(s), {r.KeyVersions} key version(s) | {MicroRunner.Yes(r.WarmupUnwraps + r.SteadyUnwraps == r.KeyVersions)} |");
        }

        if (!postgres)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL was not run: {PostgresVariable} was not set.");
        }

        md.AppendLine()
            .AppendLine("## Medians")
            .AppendLine()
            .AppendLine("| provider | step | plain | encrypted | ratio (of medians) | median of per-run ratios | difference per encrypted value |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | insert | {Ms(Median(r.Inserts("plain")))} | {Ms(Median(r.Inserts("encrypted")))} | {r.InsertRatio:F3}× | {r.PairedInsertRatio:F3}× | {r.InsertMicrosPerValue:F3} µs |")
              .AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | read | {Ms(Median(r.Reads("plain")))} | {Ms(Median(r.Reads("encrypted")))} | {r.ReadRatio:F3}× | {r.PairedReadRatio:F3}× | {r.ReadMicrosPerValue:F3} µs |");
        }

        md.AppendLine()
            .AppendLine("## Key calls")
            .AppendLine()
            .AppendLine(kms
                ? "Data keys are wrapped by AWS KMS (a moto emulator on loopback); KMS calls are counted by the meter `ColumnCrypto.Kms.Aws` (`columncrypto.kms.calls`), unwraps by `columncrypto.keys.unwrapped`."
                : $"No KMS emulator ({KmsVariable} not set): data keys are wrapped by the local master key, so unwraps (`columncrypto.keys.unwrapped`) are counted instead of KMS calls.")
            .AppendLine()
            .AppendLine("| provider | KMS calls: start-up and warm-up | KMS calls: after warm-up | unwraps: start-up and warm-up | unwraps: after warm-up |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {(r.UsedKms ? r.WarmupKmsCalls.ToString(CultureInfo.InvariantCulture) : "n/a")} | {(r.UsedKms ? r.SteadyKmsCalls.ToString(CultureInfo.InvariantCulture) : "n/a")} | {r.WarmupUnwraps} | {r.SteadyUnwraps} |");
        }

        md.AppendLine()
            .AppendLine("Start-up creates key version 1 (KMS Encrypt, a Decrypt to verify the wrapped key, and the Decrypt of the ring load).")
            .AppendLine()
            .AppendLine("## Every run (ms)")
            .AppendLine();
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Name} insert plain: {Join(r.Inserts("plain"))}")
              .AppendLine(CultureInfo.InvariantCulture, $"- {r.Name} insert encrypted: {Join(r.Inserts("encrypted"))}")
              .AppendLine(CultureInfo.InvariantCulture, $"- {r.Name} read plain: {Join(r.Reads("plain"))}")
              .AppendLine(CultureInfo.InvariantCulture, $"- {r.Name} read encrypted: {Join(r.Reads("encrypted"))}");
        }

        return md.ToString();
    }

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));

    private static string Ms(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:F1} ms");

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Variant(string Name, Func<DbContext> CreateContext, Func<DbContext, DbSet<Person>> Set);

    private sealed class ProviderResult(string name, int rows)
    {
        private readonly Dictionary<string, List<double>> _inserts = new() { ["plain"] = [], ["encrypted"] = [] };
        private readonly Dictionary<string, List<double>> _reads = new() { ["plain"] = [], ["encrypted"] = [] };
        private readonly Dictionary<string, double> _last = [];

        public string Name => name;

        public bool Verified { get; set; } = true;

        public bool UsedKms { get; set; }

        public long WarmupKmsCalls { get; set; }

        public long SteadyKmsCalls { get; set; }

        public long WarmupUnwraps { get; set; }

        public long SteadyUnwraps { get; set; }

        public int KeyVersions { get; set; }

        public List<double> Inserts(string variant) => _inserts[variant];

        public List<double> Reads(string variant) => _reads[variant];

        public double InsertRatio => Median(Inserts("encrypted")) / Median(Inserts("plain"));

        public double ReadRatio => Median(Reads("encrypted")) / Median(Reads("plain"));

        public double PairedInsertRatio => Median(Inserts("encrypted").Zip(Inserts("plain"), (e, p) => e / p).ToList());

        public double PairedReadRatio => Median(Reads("encrypted").Zip(Reads("plain"), (e, p) => e / p).ToList());

        public double InsertMicrosPerValue => (Median(Inserts("encrypted")) - Median(Inserts("plain"))) * 1000 / (rows * StringsPerRow);

        public double ReadMicrosPerValue => (Median(Reads("encrypted")) - Median(Reads("plain"))) * 1000 / (rows * StringsPerRow);

        public string LastInsert(string variant, bool measured) => measured ? Ms(Inserts(variant)[^1]) : "(warm-up)";

        public string LastRead(string variant, bool measured) => measured ? Ms(Reads(variant)[^1]) : "(warm-up)";
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

    // ---- databases ------------------------------------------------------------------------------------------

    private interface IDatabases
    {
        Task<string> CreateAsync(string suffix);

        DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString);

        Task EmptyAsync(Func<DbContext> createContext);

        Task DropAsync();
    }

    private sealed class SqliteDatabases : IDatabases
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("columncrypto-bench-").FullName;

        public Task<string> CreateAsync(string suffix) =>
            Task.FromResult($"Data Source={Path.Combine(_folder, suffix + ".db")}");

        public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) => options.UseSqlite(connectionString);

        public async Task EmptyAsync(Func<DbContext> createContext)
        {
            await using var context = createContext();
            await context.Database.ExecuteSqlRawAsync("DELETE FROM people; DELETE FROM sqlite_sequence WHERE name = 'people';");
        }

        public Task DropAsync()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
            return Task.CompletedTask;
        }
    }

    private sealed class PostgresDatabases(string adminConnectionString) : IDatabases
    {
        private readonly List<string> _created = [];

        public async Task<string> CreateAsync(string suffix)
        {
            var name = $"cc_bench_{suffix}_{Guid.NewGuid():N}"[..30];
            await ExecuteAsync($"CREATE DATABASE {name}");
            _created.Add(name);
            return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
        }

        public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) => options.UseNpgsql(connectionString);

        public async Task EmptyAsync(Func<DbContext> createContext)
        {
            await using var context = createContext();
            await context.Database.ExecuteSqlRawAsync("TRUNCATE people RESTART IDENTITY");
        }

        public async Task DropAsync()
        {
            NpgsqlConnection.ClearAllPools();
            foreach (var name in _created)
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            }
        }

        private async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
