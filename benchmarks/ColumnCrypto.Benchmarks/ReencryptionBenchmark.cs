using System.Diagnostics;
using System.Globalization;
using System.Text;
using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace ColumnCrypto.Benchmarks;

/// <summary>The re-encryption benchmark's row: three encrypted 40-character strings.</summary>
public sealed class ReencryptionRow
{
    public int Id { get; set; }

    public string Email { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Phone { get; set; } = string.Empty;
}

/// <summary>The re-encryption benchmark's model: table <c>reencrypt_people</c>, three encrypted columns.</summary>
public sealed class ReencryptionBenchContext(DbContextOptions<ReencryptionBenchContext> options) : DbContext(options)
{
    public DbSet<ReencryptionRow> People => Set<ReencryptionRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<ReencryptionRow>(row =>
    {
        row.ToTable(ReencryptionBenchmark.Table);
        row.Property(p => p.Id).ValueGeneratedNever();
        row.Property(p => p.Email).IsEncrypted();
        row.Property(p => p.Name).IsEncrypted();
        row.Property(p => p.Phone).IsEncrypted();
    });
}

/// <summary>
/// Re-encrypting N rows × 3 encrypted columns on PostgreSQL (default 100,000 rows) with 1 and 2 workers, against a
/// plain read + update of the same rows in the same run: the same batches in key order, each read and written back
/// unchanged with one set-based UPDATE in one transaction, with as many workers (each on its own range of keys).
/// Each re-encryption run follows a rollover, so every value moves to the new key; it is timed from the call to
/// <see cref="ColumnReencryptor.RunAsync"/> to its return (coverage counts before and after included). The table is
/// vacuumed before every timed step; the order of the two steps alternates between runs, and so does the order of the
/// worker counts; warm-up runs are discarded; medians are reported. It runs once per server given: the benchmark
/// cluster with fsync, synchronous commit and full-page writes off, and a cluster with the server defaults (durable
/// commits), reporting each server's settings as it states them.
/// Goals (issue 13): re-encryption at least 0.6× the plain read + update with 1 worker, and faster with 2 workers than with 1.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/ColumnCrypto.Benchmarks -- reencrypt [--rows N] [--runs N] [--warmup N] [--batch N] [--output FILE] [--note TEXT] [--quick]</c>.
/// PostgreSQL comes from COLUMNCRYPTO_BENCH_POSTGRES (or COLUMNCRYPTO_TEST_POSTGRES) and, when set,
/// COLUMNCRYPTO_BENCH_POSTGRES_DEFAULTS (a server with default durability settings); scripts/bench.sh starts both.
/// </remarks>
public static class ReencryptionBenchmark
{
    public const string Table = "reencrypt_people";
    public const string DefaultsServerVariable = "COLUMNCRYPTO_BENCH_POSTGRES_DEFAULTS";
    public const double RatioGoal = 0.6;
    private const int Columns = 3;
    private static readonly string[] ColumnNames = ["Email", "Name", "Phone"];
    private static readonly int[] WorkerCounts = [1, 2];

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = Settings.Parse(args);
        var fast = Environment.GetEnvironmentVariable(EfBenchmark.PostgresVariable) ?? Environment.GetEnvironmentVariable("COLUMNCRYPTO_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(fast))
        {
            Console.Error.WriteLine($"{EfBenchmark.PostgresVariable} is not set: the re-encryption benchmark needs PostgreSQL (scripts/bench.sh starts a throwaway cluster).");
            return 2;
        }

        var servers = new List<string> { fast };
        if (Environment.GetEnvironmentVariable(DefaultsServerVariable) is { Length: > 0 } defaults)
        {
            servers.Add(defaults);
        }

        var loadBefore = MachineInfo.Uptime();
        var results = new List<ServerResult>();
        foreach (var server in servers)
        {
            results.Add(await MeasureServerAsync(server, settings));
        }

        var markdown = Report(settings, results, loadBefore, MachineInfo.Uptime());
        Console.WriteLine(markdown);
        if (settings.Output is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.WriteAllTextAsync(file, markdown);
            Console.WriteLine($"Written to {file}");
        }

        return 0;
    }

    private static async Task<ServerResult> MeasureServerAsync(string server, Settings settings)
    {
        var connectionString = await CreateDatabaseAsync(server);
        var description = await PostgresSettings.DescribeAsync(connectionString);
        var durable = await PostgresSettings.IsDurableAsync(connectionString);
        Console.WriteLine($"== server: {description}");
        using var masterKey = new TempMasterKey();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDbContextKeyStore<ReencryptionBenchContext>().WithoutHostedService();
        services.AddDbContextFactory<ReencryptionBenchContext>((sp, o) => o.UseNpgsql(connectionString).UseColumnEncryption(sp));
        await using var provider = services.BuildServiceProvider();
        var keys = provider.GetRequiredService<IDataKeyManager>();
        var contexts = provider.GetRequiredService<IDbContextFactory<ReencryptionBenchContext>>();
        ColumnCryptoDatabase database;
        await using (var context = await contexts.CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
            await keys.InitializeAsync(CancellationToken.None);
            database = context.GetColumnCryptoDatabase();
            await context.RecordEncryptedColumnsAsync();
        }

        Console.WriteLine($"== seeding {settings.Rows:N0} rows × {Columns} encrypted columns");
        await SeedAsync(connectionString, provider.GetRequiredService<ColumnEncryptor>(), settings.Rows);

        var results = new List<Measurement>();
        for (var run = 0; run < settings.Warmup + settings.Runs; run++)
        {
            var measured = run >= settings.Warmup;
            foreach (var workers in run % 2 == 0 ? WorkerCounts : WorkerCounts.Reverse())
            {
                var plainFirst = (run + workers) % 2 == 0;
                double plain = 0, reencrypt = 0;
                long written = 0;
                for (var step = 0; step < 2; step++)
                {
                    await VacuumAsync(connectionString);
                    if ((step == 0) == plainFirst)
                    {
                        plain = await TimePlainAsync(connectionString, settings.Rows, settings.Batch, workers);
                    }
                    else
                    {
                        (reencrypt, written) = await TimeReencryptionAsync(database, provider, keys, settings.Batch, workers);
                    }
                }

                if (written != settings.Rows)
                {
                    throw new InvalidOperationException($"The re-encryption wrote {written} rows, not {settings.Rows}.");
                }

                var measurement = new Measurement(workers, settings.Rows / plain, settings.Rows / reencrypt);
                if (measured)
                {
                    results.Add(measurement);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(measured ? $"run {run - settings.Warmup + 1}" : "warm-up")}, {workers} worker(s): plain {measurement.PlainRowsPerSecond:F0} rows/s, re-encryption {measurement.ReencryptRowsPerSecond:F0} rows/s, ratio {measurement.Ratio:F2}"));
            }
        }

        await VerifyAsync(connectionString, provider.GetRequiredService<ColumnEncryptor>(), await keys.GetCurrentVersionAsync(CancellationToken.None));
        var version = await ServerVersionAsync(connectionString);
        await DropDatabaseAsync(server, connectionString);
        return new ServerResult(description, durable, version, results);
    }

    // ---- the two measured operations -------------------------------------------------------------------------

    /// <summary>Reads every row in batches in key order and writes it back unchanged, one transaction per batch.</summary>
    private static async Task<double> TimePlainAsync(string connectionString, int rows, int batch, int workers)
    {
        var stopwatch = Stopwatch.StartNew();
        var perWorker = (rows + workers - 1) / workers;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => PlainWorkerAsync(connectionString, w * perWorker, Math.Min(rows, (w + 1) * perWorker), batch))));
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task PlainWorkerAsync(string connectionString, int after, int last, int batch)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var cursor = after;
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var ids = new List<int>(batch);
            var values = new List<byte[]>[] { new(batch), new(batch), new(batch) };
            await using (var select = new NpgsqlCommand(
                $"SELECT \"Id\", \"Email\", \"Name\", \"Phone\" FROM {Table} WHERE \"Id\" > @c AND \"Id\" <= @last ORDER BY \"Id\" LIMIT @n", connection, transaction))
            {
                select.Parameters.AddWithValue("c", cursor);
                select.Parameters.AddWithValue("last", last);
                select.Parameters.AddWithValue("n", batch);
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetInt32(0));
                    for (var c = 0; c < Columns; c++)
                    {
                        values[c].Add(reader.GetFieldValue<byte[]>(c + 1));
                    }
                }
            }

            if (ids.Count == 0)
            {
                await transaction.CommitAsync();
                return;
            }

            await using (var update = new NpgsqlCommand(
                $"UPDATE {Table} AS t SET \"Email\" = v.e, \"Name\" = v.n, \"Phone\" = v.p FROM unnest(@i, @e, @n, @p) AS v(i, e, n, p) WHERE t.\"Id\" = v.i",
                connection, transaction))
            {
                update.Parameters.AddWithValue("i", ids.ToArray());
                update.Parameters.AddWithValue("e", values[0].ToArray());
                update.Parameters.AddWithValue("n", values[1].ToArray());
                update.Parameters.AddWithValue("p", values[2].ToArray());
                await update.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            cursor = ids[^1];
        }
    }

    /// <summary>Rolls over, then times one re-encryption run that moves every value to the new key.</summary>
    private static async Task<(double Seconds, long Rows)> TimeReencryptionAsync(ColumnCryptoDatabase database, IServiceProvider services, IDataKeyManager keys, int batch, int workers)
    {
        await keys.RollOverAsync(CancellationToken.None);
        var reencryptor = ColumnReencryptor.Create(database, services, new ReencryptionOptions { BatchSize = batch, PauseBetweenBatches = 0, Workers = workers });
        var stopwatch = Stopwatch.StartNew();
        var result = await reencryptor.RunAsync();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (!result.Complete || result.Failed > 0)
        {
            throw new InvalidOperationException($"The re-encryption did not finish: {result.Failed} failed, {result.Columns.Sum(c => c.Remaining)} remain.");
        }

        return (seconds, result.RowsWritten);
    }

    // ---- set-up and checks ----------------------------------------------------------------------------------

    private static async Task SeedAsync(string connectionString, ColumnEncryptor encryptor, int rows)
    {
        var columns = ColumnNames.Select(c => new EncryptedColumn(Table, c)).ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var importer = await connection.BeginBinaryImportAsync($"COPY {Table} (\"Id\", \"Email\", \"Name\", \"Phone\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var id = 1; id <= rows; id++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(id, NpgsqlDbType.Integer);
                for (var c = 0; c < Columns; c++)
                {
                    await importer.WriteAsync(encryptor.Encrypt(columns[c], Value(id, c)), NpgsqlDbType.Bytea);
                }
            }

            await importer.CompleteAsync();
        }

        await VacuumAsync(connectionString);
    }

    private static string Value(int id, int column) => $"{ColumnNames[column].ToLowerInvariant()}-{id}".PadRight(40, '.');

    /// <summary>After all runs: every value is on the newest key and decrypts to what was seeded.</summary>
    private static async Task VerifyAsync(string connectionString, ColumnEncryptor encryptor, int newest)
    {
        var columns = ColumnNames.Select(c => new EncryptedColumn(Table, c)).ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT \"Id\", \"Email\", \"Name\", \"Phone\" FROM {Table}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt32(0);
            for (var c = 0; c < Columns; c++)
            {
                var stored = reader.GetFieldValue<byte[]>(c + 1);
                if (ColumnEncryptor.GetKeyVersion(stored) != newest || encryptor.Decrypt<string>(columns[c], stored) != Value(id, c))
                {
                    throw new InvalidOperationException($"Row {id} column {ColumnNames[c]} is wrong after the benchmark.");
                }
            }
        }
    }

    private static async Task VacuumAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"VACUUM ANALYZE {Table}", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = "cc_reenc_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task DropDatabaseAsync(string server, string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(connectionString).Database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ServerVersionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection.PostgreSqlVersion.ToString();
    }

    // ---- report ---------------------------------------------------------------------------------------------

    private static string Report(Settings settings, List<ServerResult> servers, string loadBefore, string loadAfter)
    {
        var md = new StringBuilder()
            .AppendLine("# Re-encryption throughput (PostgreSQL)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project benchmarks/ColumnCrypto.Benchmarks -- reencrypt {settings.CommandLine}`")
            .AppendLine($"with `{EfBenchmark.PostgresVariable}` and `{DefaultsServerVariable}` naming two PostgreSQL servers on this machine (`scripts/bench.sh reencrypt` starts both as throwaway clusters:")
            .AppendLine("one with fsync, synchronous commit and full-page writes off, one with the server defaults).")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{settings.Rows:N0} rows × {Columns} encrypted 40-character strings (bytea), batches of {settings.Batch} rows; per server {settings.Warmup} warm-up run(s), then {settings.Runs} measured runs per worker count; medians.")
            .AppendLine("- **plain read + update**: the same rows read in key order in batches and written back unchanged with one `UPDATE ... FROM unnest(...)` per batch, one transaction per batch; with N workers, each on its own key range.")
            .AppendLine("- **re-encryption**: after a rollover, `ColumnReencryptor.RunAsync` with `Workers = N`, `PauseBetweenBatches = 0`: each batch read with `FOR NO KEY UPDATE SKIP LOCKED` (only values not on the new key), every value decrypted, sealed under the new key and decrypted again to verify, written with one set-based `UPDATE` in the batch's transaction, progress stored about once a second; the key reload and the coverage counts before and after the run are included in the time.")
            .AppendLine("- Interleaved: within a run the two steps alternate which goes first, and the runs alternate which worker count goes first. The table is vacuumed before every timed step. After the last run every value is checked to be on the newest key and to decrypt to the seeded text.")
            .AppendLine()
            .AppendLine(MachineInfo.Markdown())
            .AppendLine(CultureInfo.InvariantCulture, $"| PostgreSQL | {servers[0].Version} (same machine, loopback) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| load (`uptime`) before / after | {loadBefore} / {loadAfter} |")
            .AppendLine()
            .AppendLine(settings.Note is null ? string.Empty : $"> {settings.Note}\n");
        foreach (var server in servers)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {(server.Durable ? "Server defaults (durable commits)" : "Benchmark settings (not durable)")}")
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL settings: `{server.Settings}`.")
                .AppendLine()
                .AppendLine("| workers | plain read + update | re-encryption | ratio (median of per-run ratios) | spread (min–max) | goal |")
                .AppendLine("| ---: | ---: | ---: | ---: | --- | --- |");
            foreach (var workers in WorkerCounts)
            {
                var runs = server.Runs.Where(r => r.Workers == workers).ToList();
                var ratio = Median(runs.Select(r => r.Ratio));
                var goal = workers == 1 ? $"≥ {RatioGoal}: {MicroRunner.Yes(ratio >= RatioGoal)}" : "";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {workers} | {server.Plain(workers):N0} rows/s | {server.Reencrypt(workers):N0} rows/s | {ratio:F3} | {runs.Min(r => r.Ratio):F2}–{runs.Max(r => r.Ratio):F2} | {goal} |");
            }

            var faster = server.Reencrypt(2) / server.Reencrypt(1);
            md.AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"2 workers re-encrypt {faster:F2}× as many rows per second as 1 (goal: more than 1): {MicroRunner.Yes(faster > 1)}.")
                .AppendLine()
                .AppendLine("| workers | plain rows/s | re-encryption rows/s | ratio |")
                .AppendLine("| ---: | ---: | ---: | ---: |");
            foreach (var r in server.Runs)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Workers} | {r.PlainRowsPerSecond:N0} | {r.ReencryptRowsPerSecond:N0} | {r.Ratio:F2} |");
            }

            md.AppendLine();
        }

        md.AppendLine("The ratio is the median of the per-run ratios (both steps of a run share the machine's state). On 2 cores the database and the client share the CPU, so a second worker adds less than it would with a database on its own machine.");
        return md.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed record Measurement(int Workers, double PlainRowsPerSecond, double ReencryptRowsPerSecond)
    {
        public double Ratio => ReencryptRowsPerSecond / PlainRowsPerSecond;
    }

    private sealed record ServerResult(string Settings, bool Durable, string Version, List<Measurement> Runs)
    {
        public double Plain(int workers) => Median(Runs.Where(r => r.Workers == workers).Select(r => r.PlainRowsPerSecond));

        public double Reencrypt(int workers) => Median(Runs.Where(r => r.Workers == workers).Select(r => r.ReencryptRowsPerSecond));
    }

    private sealed class Settings
    {
        public int Rows { get; private set; } = 100_000;

        public int Runs { get; private set; } = 9;

        public int Warmup { get; private set; } = 1;

        public int Batch { get; private set; } = ReencryptionOptions.DefaultBatchSize;

        public string? Output { get; private set; }

        public string? Note { get; private set; }

        public string CommandLine { get; private set; } = string.Empty;

        public static Settings Parse(string[] args)
        {
            var settings = new Settings();
            var shown = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--rows": settings.Rows = int.Parse(Next(), CultureInfo.InvariantCulture); shown.Add($"--rows {settings.Rows}"); break;
                    case "--runs": settings.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); shown.Add($"--runs {settings.Runs}"); break;
                    case "--warmup": settings.Warmup = int.Parse(Next(), CultureInfo.InvariantCulture); shown.Add($"--warmup {settings.Warmup}"); break;
                    case "--batch": settings.Batch = int.Parse(Next(), CultureInfo.InvariantCulture); shown.Add($"--batch {settings.Batch}"); break;
                    case "--output": settings.Output = Next(); shown.Add($"--output {settings.Output}"); break;
                    case "--note": settings.Note = Next(); break;
                    case "--quick": settings.Rows = 10_000; settings.Runs = 1; settings.Warmup = 0; shown.Add("--quick"); break;
                    default: throw new ArgumentException($"Unknown option '{args[i]}' (reencrypt takes --rows, --runs, --warmup, --batch, --output, --note, --quick).");
                }
            }

            settings.CommandLine = string.Join(' ', shown);
            return settings;
        }
    }
}
