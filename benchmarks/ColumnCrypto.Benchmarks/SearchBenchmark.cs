using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Mathematics;
using ColumnCrypto.EntityFrameworkCore.Search;
using ColumnCrypto.Keys;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Update;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ColumnCrypto.Benchmarks;

/// <summary>
/// Searchable encrypted columns on PostgreSQL, in one process:
/// <list type="bullet">
/// <item>lookups: <c>Where(c => c.Email == email).FirstOrDefaultAsync()</c> (AsNoTracking) of many different existing
/// e-mails among 100,000 rows, on an indexed plaintext column (a model without ColumnCrypto, its own database) and on a
/// searchable encrypted column (its <c>Email_bidx</c> index); the plan of each is checked with EXPLAIN (not timed);</item>
/// <item>inserts: AddRange + one SaveChanges of N rows with an encrypted e-mail, not searchable and searchable;</item>
/// <item>the blind index of one 40-character value as SaveChanges computes it (BenchmarkDotNet, <see cref="SearchMicroBenchmarks"/>).</item>
/// </list>
/// Variants are interleaved, the one that goes first alternating; every timed step starts after a full GC; medians are
/// taken after warm-up runs.
/// </summary>
public static class SearchBenchmark
{
    public const double LookupRatioTarget = 1.2;
    public const double InsertMicrosTarget = 0.6;
    private const string Plain = "plaintext, indexed";
    private const string Searchable = "searchable encrypted";
    private const string Encrypted = "encrypted";
    private const int LoadBatch = 5_000;
    private const int PreparerRuns = 7;
    private const int LookupSlice = 100;

    /// <summary>The e-mail of row <paramref name="i"/>: 40 characters, as in the EF benchmark.</summary>
    public static string Email(int i) => $"user{i:D7}@example.test".PadRight(40, '.');

    public static async Task<int> RunAsync(Options options)
    {
        if (Environment.GetEnvironmentVariable(EfBenchmark.PostgresVariable) is not { Length: > 0 } postgres)
        {
            Console.Error.WriteLine($"{EfBenchmark.PostgresVariable} is not set (scripts/bench.sh starts a throwaway cluster and sets it).");
            return 2;
        }

        var tableRows = options.Quick ? 20_000 : 100_000;
        var lookups = options.Quick ? Math.Min(options.Lookups, 500) : options.Lookups;
        var loadBefore = MachineInfo.Uptime();
        var databases = new PostgresDatabases(postgres);
        var plainConnection = await databases.CreateAsync("splain");
        var cryptoConnection = await databases.CreateAsync("scrypt");
        using var masterKey = new TempMasterKey();
        using var indexKeys = new InMemoryBlindIndexKeys();
        indexKeys.Add(1, RandomNumberGenerator.GetBytes(32));
        var capture = new CommandCapture();
        var result = new SearchResult(tableRows, lookups, options.Rows);

        await using (var app = BuildApp(plainConnection, cryptoConnection, masterKey, indexKeys, capture))
        {
            var plain = app.GetRequiredService<IDbContextFactory<PlainLookupContext>>();
            var crypto = app.GetRequiredService<IDbContextFactory<SearchBenchContext>>();
            await SetUpAsync(app, plain, crypto, tableRows);

            result.PlainPlan = await ExplainAsync(capture, plainConnection, () => plain.CreateDbContext(), LookupPlain, IndexName(plain, nameof(Customer.Email)));
            result.SearchablePlan = await ExplainAsync(capture, cryptoConnection, () => crypto.CreateDbContext(), LookupSearchable, IndexName(crypto, nameof(Customer.Email) + "_bidx"));

            Console.WriteLine($"== lookups: {tableRows:N0} rows, {lookups:N0} lookups per run, {options.WarmupRuns} warm-up + {options.Runs} measured runs");
            for (var run = 0; run < options.WarmupRuns + options.Runs; run++)
            {
                var measured = run >= options.WarmupRuns;
                var sample = Sample(run, lookups, tableRows);
                var (plainTime, searchableTime) = await TimeLookupsAsync(plain, crypto, sample, plainFirst: run % 2 == 0, result);
                if (measured)
                {
                    result.Lookups.Add(plainTime, searchableTime);
                }

                Console.WriteLine($"  run {run + 1}{(measured ? string.Empty : " (warm-up)")}: plain {plainTime.WallMs:F1} ms, searchable {searchableTime.WallMs:F1} ms");
            }

            Console.WriteLine($"== inserts: {options.Rows:N0} rows × 1 encrypted string, {options.WarmupRuns} warm-up + {options.Runs} measured runs");
            var values = Enumerable.Range(0, options.Rows).Select(Email).ToArray();
            for (var run = 0; run < options.WarmupRuns + options.Runs; run++)
            {
                var measured = run >= options.WarmupRuns;
                var encryptedFirst = run % 2 == 0;
                Timing encryptedTime = default, searchableTime = default;
                for (var turn = 0; turn < 2; turn++)
                {
                    if ((turn == 0) == encryptedFirst)
                    {
                        encryptedTime = await TimeInsertAsync(crypto, $"TRUNCATE {SearchBenchContext.EncryptedTable} RESTART IDENTITY", values.Select(v => new EncryptedRow { Email = v }));
                    }
                    else
                    {
                        searchableTime = await TimeInsertAsync(crypto, $"TRUNCATE {SearchBenchContext.SearchableTable} RESTART IDENTITY", values.Select(v => new SearchableRow { Email = v }));
                    }
                }

                if (measured)
                {
                    result.Inserts.Add(encryptedTime, searchableTime);
                }

                Console.WriteLine($"  run {run + 1}{(measured ? string.Empty : " (warm-up)")}: encrypted {encryptedTime.WallMs:F0} ms, searchable {searchableTime.WallMs:F0} ms");
            }

            result.InsertsVerified = await VerifyInsertsAsync(crypto, options.Rows);
            for (var run = 0; run < PreparerRuns; run++)
            {
                result.Preparer.Add(await TimeIndexPreparerAsync(crypto, values));
            }
        }

        await databases.DropAsync();
        var settings = await PostgresSettings.DescribeAsync(postgres);

        Console.WriteLine("== blind index per value (BenchmarkDotNet)");
        var (summary, job) = MicroRunner.RunBenchmarkDotNet<SearchMicroBenchmarks>(options);
        var micro = summary.Reports.Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => (Stats: r.ResultStatistics!, Allocated: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)));
        if (micro.Count != summary.BenchmarksCases.Length)
        {
            Console.Error.WriteLine("Some microbenchmarks failed; see the log above.");
            return 1;
        }

        MicroRunner.Write(options, Report(result, micro, job.Run.WarmupCount, job.Run.IterationCount, options, loadBefore, MachineInfo.Uptime(), settings));
        return result.Verified ? 0 : 1;
    }

    private static ServiceProvider BuildApp(string plainConnection, string cryptoConnection, TempMasterKey masterKey, InMemoryBlindIndexKeys indexKeys, CommandCapture capture)
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path)
            .UseDbContextKeyStore<SearchBenchContext>()
            .UseBlindIndexKeys(indexKeys)
            .WithoutHostedService();
        services.AddDbContextFactory<SearchBenchContext>((sp, o) => o.UseNpgsql(cryptoConnection).UseColumnEncryption(sp).AddInterceptors(capture));
        services.AddDbContextFactory<PlainLookupContext>((_, o) => o.UseNpgsql(plainConnection).AddInterceptors(capture));
        return services.BuildServiceProvider();
    }

    /// <summary>Creates both schemas, records the encrypted columns (so the empty searchable column is ready), loads the rows, analyzes the tables.</summary>
    private static async Task SetUpAsync(IServiceProvider app, IDbContextFactory<PlainLookupContext> plain, IDbContextFactory<SearchBenchContext> crypto, int rows)
    {
        await using (var context = await plain.CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
        }

        await using (var context = await crypto.CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
            await context.RecordEncryptedColumnsAsync();
        }

        await app.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None);
        Console.WriteLine($"== loading {rows:N0} customers into each table");
        for (var start = 0; start < rows; start += LoadBatch)
        {
            var batch = Enumerable.Range(start, Math.Min(LoadBatch, rows - start)).Select(Email).ToList();
            await using (var context = await plain.CreateDbContextAsync())
            {
                context.AddRange(batch.Select(e => new Customer { Email = e }));
                await context.SaveChangesAsync();
            }

            await using (var context = await crypto.CreateDbContextAsync())
            {
                context.AddRange(batch.Select(e => new Customer { Email = e }));
                await context.SaveChangesAsync();
            }
        }

        foreach (DbContext context in new DbContext[] { await plain.CreateDbContextAsync(), await crypto.CreateDbContextAsync() })
        {
            await using (context)
            {
                await context.Database.ExecuteSqlRawAsync($"VACUUM ANALYZE {PlainLookupContext.Table}");
            }
        }
    }

    private static Task<Customer?> LookupPlain(DbContext context, string email) =>
        ((PlainLookupContext)context).Customers.AsNoTracking().Where(c => c.Email == email).FirstOrDefaultAsync();

    private static Task<Customer?> LookupSearchable(DbContext context, string email) =>
        ((SearchBenchContext)context).Customers.AsNoTracking().Where(c => c.Email == email).FirstOrDefaultAsync();

    /// <summary>Different existing e-mails for each run (the same for both variants of the run).</summary>
    private static string[] Sample(int run, int count, int rows)
    {
        var random = new Random(run + 1);
        return [.. Enumerable.Range(0, count).Select(_ => Email(random.Next(rows)))];
    }

    /// <summary>
    /// One context per variant, the lookups one after the other (as one request after another would), in slices of
    /// <see cref="LookupSlice"/>: plaintext and searchable slices alternate (which goes first alternates by run), so
    /// drift from other load on the machine within a run hits both alike. Then a check that each found its row.
    /// </summary>
    private static async Task<(Timing Plain, Timing Searchable)> TimeLookupsAsync(IDbContextFactory<PlainLookupContext> plain, IDbContextFactory<SearchBenchContext> crypto, string[] emails, bool plainFirst, SearchResult result)
    {
        var found = new[] { new string?[emails.Length], new string?[emails.Length] };
        var times = new Timing[2];
        await using var plainContext = await plain.CreateDbContextAsync();
        await using var cryptoContext = await crypto.CreateDbContextAsync();
        var variants = new (DbContext Context, Func<DbContext, string, Task<Customer?>> Lookup)[] { (plainContext, LookupPlain), (cryptoContext, LookupSearchable) };
        _ = StepTimer.Start(); // one full collection before the step
        for (var start = 0; start < emails.Length; start += LookupSlice)
        {
            var end = Math.Min(start + LookupSlice, emails.Length);
            var first = (start / LookupSlice % 2 == 0) == plainFirst ? 0 : 1;
            foreach (var v in new[] { first, 1 - first })
            {
                var (context, lookup) = variants[v];
                var timer = StepTimer.StartSlice();
                for (var i = start; i < end; i++)
                {
                    found[v][i] = (await lookup(context, emails[i]))?.Email;
                }

                times[v] += timer.Stop();
            }
        }

        for (var v = 0; v < 2; v++)
        {
            var wrong = emails.Where((e, i) => found[v][i] != e).Count();
            if (wrong > 0)
            {
                Console.Error.WriteLine($"  {(v == 0 ? Plain : Searchable)}: {wrong} of {emails.Length} lookups did not find their row");
                result.LookupsVerified = false;
            }
        }

        return (times[0], times[1]);
    }

    private static async Task<Timing> TimeInsertAsync(IDbContextFactory<SearchBenchContext> crypto, string truncate, IEnumerable<object> rows)
    {
        await using (var context = await crypto.CreateDbContextAsync())
        {
            await context.Database.ExecuteSqlRawAsync(truncate);
        }

        var entities = rows.ToList();
        var timer = StepTimer.Start();
        await using (var context = await crypto.CreateDbContextAsync())
        {
            context.AddRange(entities);
            await context.SaveChangesAsync();
        }

        return timer.Stop();
    }

    /// <summary>
    /// Where the insert difference goes: what SaveChanges spends in ColumnCrypto's index step for N added rows (the
    /// library's own batch preparer, over a preparer that builds no commands), without the SQL and the database.
    /// </summary>
    private static async Task<Timing> TimeIndexPreparerAsync(IDbContextFactory<SearchBenchContext> crypto, string[] values)
    {
        await using var context = await crypto.CreateDbContextAsync();
        context.AddRange(values.Select(v => new SearchableRow { Email = v }));
#pragma warning disable EF1001 // The entries SaveChanges hands the batch preparer: only EF's internal state manager lists them.
        var entries = context.GetService<Microsoft.EntityFrameworkCore.ChangeTracking.Internal.IStateManager>().GetEntriesToSave(cascadeChanges: true);
#pragma warning restore EF1001
        var preparer = new BlindIndexWritingBatchPreparer(new NoCommands());
        var timer = StepTimer.Start();
        _ = preparer.BatchCommands(entries, null!);
        var timing = timer.Stop();
        if (context.ChangeTracker.Entries<SearchableRow>().Any(e => e.Property("Email_bidx").CurrentValue is null))
        {
            throw new InvalidOperationException("The index step left a row without its index.");
        }

        return timing;
    }

    /// <summary>A batch preparer that builds nothing: what is left of SaveChanges' preparation is ColumnCrypto's index step.</summary>
    private sealed class NoCommands : ICommandBatchPreparer
    {
        public IEnumerable<ModificationCommandBatch> BatchCommands(IList<IUpdateEntry> entries, IUpdateAdapter updateAdapter) => [];

        public IEnumerable<ModificationCommandBatch> CreateCommandBatches(IEnumerable<IReadOnlyModificationCommand> commandSet, bool moreCommandSets) => [];

        public void ResetState()
        {
        }

        public Task ResetStateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>Outside the timing: both tables hold every row, the searchable one with an index for each, and lookups find them.</summary>
    private static async Task<bool> VerifyInsertsAsync(IDbContextFactory<SearchBenchContext> crypto, int rows)
    {
        await using var context = await crypto.CreateDbContextAsync();
        var encrypted = await context.EncryptedRows.CountAsync();
        var indexed = await context.SearchableRows.CountAsync(r => EF.Property<byte[]>(r, "Email_bidx") != null);
        var last = Email(rows - 1);
        var found = await context.SearchableRows.AsNoTracking().Where(r => r.Email == last).Select(r => r.Id).ToListAsync();
        var ok = encrypted == rows && indexed == rows && found.Count == 1;
        if (!ok)
        {
            Console.Error.WriteLine($"  inserts: {encrypted} encrypted rows, {indexed} indexed searchable rows, {found.Count} found by lookup (expected {rows}, {rows}, 1)");
        }

        return ok;
    }

    private static string IndexName<TContext>(IDbContextFactory<TContext> factory, string property)
        where TContext : DbContext
    {
        using var context = factory.CreateDbContext();
        return context.Model.FindEntityType(typeof(Customer))!.GetIndexes()
            .Single(i => i.Properties is [var p] && p.Name == property).GetDatabaseName()!;
    }

    /// <summary>Runs one lookup capturing the command EF sends, then EXPLAINs that very command (SQL and parameters): not timed.</summary>
    private static async Task<QueryPlan> ExplainAsync(CommandCapture capture, string connectionString, Func<DbContext> createContext, Func<DbContext, string, Task<Customer?>> lookup, string indexName)
    {
        NpgsqlCommand command;
        await using (var context = createContext())
        {
            capture.Start();
            await lookup(context, Email(4_242));
            command = capture.Stop() ?? throw new InvalidOperationException("The lookup sent no command.");
        }

        var sql = command.CommandText;
        var parameters = string.Join(", ", command.Parameters.Select(p => p.NpgsqlDbType.HasFlag(NpgsqlTypes.NpgsqlDbType.Array)
            ? $"{p.ParameterName} {p.NpgsqlDbType & ~NpgsqlTypes.NpgsqlDbType.Array}[]"
            : $"{p.ParameterName} {p.NpgsqlDbType}"));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        command.Connection = connection;
        command.CommandText = "EXPLAIN " + sql;
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        await command.DisposeAsync();
        var plan = string.Join('\n', lines);
        var usesIndex = lines.Any(l => (l.Contains("Index Scan using ", StringComparison.Ordinal) || l.Contains("Index Only Scan using ", StringComparison.Ordinal))
            && (l.Contains($" {indexName} ", StringComparison.Ordinal) || l.Contains($" \"{indexName}\" ", StringComparison.Ordinal)));
        Console.WriteLine($"{sql}\n{plan}\nuses {indexName}: {usesIndex}");
        return new QueryPlan(sql, parameters, plan, indexName, usesIndex);
    }

    /// <summary>Keeps a copy of the next reader command while capturing; otherwise only a flag test.</summary>
    private sealed class CommandCapture : DbCommandInterceptor
    {
        private volatile bool _capturing;
        private NpgsqlCommand? _captured;

        public void Start()
        {
            _captured = null;
            _capturing = true;
        }

        public NpgsqlCommand? Stop()
        {
            _capturing = false;
            return _captured;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (_capturing)
            {
                _captured ??= ((NpgsqlCommand)command).Clone();
            }

            return ValueTask.FromResult(result);
        }
    }

    private sealed record QueryPlan(string Sql, string Parameters, string Plan, string IndexName, bool UsesIndex);

    /// <summary>Timings of two variants, paired by run: a baseline and the variant judged against it.</summary>
    private sealed class PairedTimings
    {
        private readonly List<(Timing Baseline, Timing Variant)> _runs = [];

        public int Count => _runs.Count;

        public void Add(Timing baseline, Timing variant) => _runs.Add((baseline, variant));

        public List<double> Baseline(bool cpu = false) => [.. _runs.Select(r => cpu ? r.Baseline.CpuMs : r.Baseline.WallMs)];

        public List<double> Variant(bool cpu = false) => [.. _runs.Select(r => cpu ? r.Variant.CpuMs : r.Variant.WallMs)];

        public List<double> Ratios(bool cpu = false) => [.. _runs.Select(r => cpu ? r.Variant.CpuMs / r.Baseline.CpuMs : r.Variant.WallMs / r.Baseline.WallMs)];

        public double MedianRatio(bool cpu = false) => EfBenchmark.Median(Ratios(cpu));

        public double RatioOfMedians(bool cpu = false) => EfBenchmark.Median(Variant(cpu)) / EfBenchmark.Median(Baseline(cpu));

        /// <summary>The median of the per-run differences, in µs per item.</summary>
        public double MicrosPerItem(int items, bool cpu = false) =>
            EfBenchmark.Median([.. _runs.Select(r => cpu ? r.Variant.CpuMs - r.Baseline.CpuMs : r.Variant.WallMs - r.Baseline.WallMs)]) * 1000 / items;

        public string Spread(bool cpu = false)
        {
            var sorted = Ratios(cpu).Order().ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"{sorted[0]:F3}–{sorted[^1]:F3} [{EfBenchmark.Quantile(sorted, 0.25):F3}–{EfBenchmark.Quantile(sorted, 0.75):F3}]");
        }
    }

    private sealed class SearchResult(int tableRows, int lookups, int insertRows)
    {
        public int TableRows => tableRows;

        public int LookupsPerRun => lookups;

        public int InsertRows => insertRows;

        public PairedTimings Lookups { get; } = new();

        public PairedTimings Inserts { get; } = new();

        public List<Timing> Preparer { get; } = [];

        public QueryPlan PlainPlan { get; set; } = null!;

        public QueryPlan SearchablePlan { get; set; } = null!;

        public bool LookupsVerified { get; set; } = true;

        public bool InsertsVerified { get; set; }

        public bool Verified => LookupsVerified && InsertsVerified && PlainPlan.UsesIndex && SearchablePlan.UsesIndex;
    }

    // ---- report ---------------------------------------------------------------------------------------------

    private static string Report(SearchResult r, Dictionary<string, (Statistics Stats, long? Allocated)> micro, int microWarmups, int microIterations, Options options, string loadBefore, string loadAfter, string settings)
    {
        var inv = CultureInfo.InvariantCulture;
        var lookupRatio = r.Lookups.MedianRatio();
        var write = micro[nameof(SearchMicroBenchmarks.SaveChangesIndexForWrite40)];
        var writeMicros = write.Stats.Median / 1000;
        var perLookup = (Func<List<double>, double>)(times => EfBenchmark.Median(times) * 1000 / r.LookupsPerRun);
        var insertWall = r.Inserts.MicrosPerItem(r.InsertRows);
        var insertCpu = r.Inserts.MicrosPerItem(r.InsertRows, cpu: true);
        var md = new StringBuilder()
            .AppendLine("# Searchable encrypted columns: lookups and inserts")
            .AppendLine()
            .AppendLine("Written by `scripts/bench.sh search` (`dotnet run -c Release --project benchmarks/ColumnCrypto.Benchmarks -- search`).")
            .AppendLine(inv, $"Lookups: {r.TableRows:N0} rows; each run looks up {r.LookupsPerRun:N0} different existing e-mails (40 characters, a new random sample each run, the same for both variants), one after the other on one context per variant,")
            .AppendLine(inv, $"in slices of {LookupSlice} that alternate between the variants (so that drift within a run hits both alike):")
            .AppendLine("`Where(c => c.Email == email).AsNoTracking().FirstOrDefaultAsync()`, on an indexed plaintext column (a model without ColumnCrypto, in its own database) and on a searchable encrypted column (its `Email_bidx` index).")
            .AppendLine(inv, $"Inserts: `AddRange` + one `SaveChangesAsync` of {r.InsertRows:N0} rows with one encrypted 40-character e-mail, not searchable and searchable (two tables of one database, emptied before each step).")
            .AppendLine(inv, $"Variants interleaved in one process (the one that goes first alternates); {options.WarmupRuns} warm-up runs, then {options.Runs} measured runs; a full GC before each timed step.")
            .AppendLine("Wall time is what a user waits; CPU time is this process's CPU (all threads, not the PostgreSQL server), which other load on a shared machine disturbs less.")
            .AppendLine()
            .AppendLine(MachineInfo.Markdown())
            .AppendLine(inv, $"| load (`uptime`) before / after | {loadBefore} / {loadAfter} |")
            .AppendLine(inv, $"| PostgreSQL settings | {settings} |")
            .AppendLine()
            .AppendLine(options.Note is null ? string.Empty : $"> {options.Note}\n")
            .AppendLine("## Targets")
            .AppendLine()
            .AppendLine("The lookup is judged on the median of the per-run ratios (searchable / plaintext of the same run); its spread is the lowest to highest per-run ratio,")
            .AppendLine("with the interquartile range in brackets. The insert target is judged on the microbenchmark (what ColumnCrypto computes per searchable value);")
            .AppendLine("the end-to-end difference is reported beside it.")
            .AppendLine()
            .AppendLine("| target | measured | spread: min–max [IQR] | ratio of medians | CPU-time ratio | met |")
            .AppendLine("| --- | --- | --- | ---: | ---: | --- |")
            .AppendLine(inv, $"| lookup among {r.TableRows:N0} rows ≤ {LookupRatioTarget:F1}× the indexed plaintext lookup (PostgreSQL) | {lookupRatio:F3}× ({perLookup(r.Lookups.Variant()):F1} µs vs {perLookup(r.Lookups.Baseline()):F1} µs per lookup) | {r.Lookups.Spread()} | {r.Lookups.RatioOfMedians():F3}× | {r.Lookups.RatioOfMedians(cpu: true):F3}× | {MicroRunner.Yes(lookupRatio <= LookupRatioTarget)} |")
            .AppendLine(inv, $"| the index adds ≤ {InsertMicrosTarget:F1} µs per searchable value on insert (microbenchmark: the index SaveChanges computes for a 40-character string) | {writeMicros:F3} µs, {write.Allocated} B | | | | {MicroRunner.Yes(writeMicros <= InsertMicrosTarget)} |")
            .AppendLine(inv, $"| … end to end on PostgreSQL ({r.InsertRows:N0} rows, searchable − encrypted, median of per-run differences) | {insertWall:F3} µs wall, {insertCpu:F3} µs CPU per value; {r.Inserts.MedianRatio():F3}× | {r.Inserts.Spread()} | {r.Inserts.RatioOfMedians():F3}× | {r.Inserts.RatioOfMedians(cpu: true):F3}× | reported, not judged |")
            .AppendLine()
            .AppendLine(inv, $"Every lookup found its row: {(r.LookupsVerified ? "yes" : "**no**")}. Inserted rows counted, every searchable row indexed and found by a lookup: {(r.InsertsVerified ? "yes" : "**no**")}.")
            .AppendLine()
            .AppendLine("## Query plans (EXPLAIN of the command EF sent, with its parameters; not timed)")
            .AppendLine();
        foreach (var (name, plan) in new[] { (Plain, r.PlainPlan), (Searchable, r.SearchablePlan) })
        {
            md.AppendLine(inv, $"**{name}**: uses the index `{plan.IndexName}` (Index Scan): {(plan.UsesIndex ? "yes" : "**no**")}. Parameters: {plan.Parameters}.")
              .AppendLine()
              .AppendLine("```sql")
              .AppendLine(plan.Sql)
              .AppendLine("```")
              .AppendLine()
              .AppendLine("```")
              .AppendLine(plan.Plan)
              .AppendLine("```")
              .AppendLine();
        }

        md.AppendLine("## Medians")
            .AppendLine()
            .AppendLine("| step | baseline | baseline | searchable | median of per-run ratios | ratio of medians | added (median of per-run differences) | CPU baseline | CPU searchable | CPU added |")
            .AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            .AppendLine(inv, $"| lookups ({r.LookupsPerRun:N0} per run) | {Plain} | {Ms(r.Lookups.Baseline())} | {Ms(r.Lookups.Variant())} | {lookupRatio:F3}× | {r.Lookups.RatioOfMedians():F3}× | {r.Lookups.MicrosPerItem(r.LookupsPerRun):F1} µs per lookup | {Ms(r.Lookups.Baseline(cpu: true))} | {Ms(r.Lookups.Variant(cpu: true))} | {r.Lookups.MicrosPerItem(r.LookupsPerRun, cpu: true):F1} µs per lookup |")
            .AppendLine(inv, $"| insert ({r.InsertRows:N0} rows) | {Encrypted} | {Ms(r.Inserts.Baseline())} | {Ms(r.Inserts.Variant())} | {r.Inserts.MedianRatio():F3}× | {r.Inserts.RatioOfMedians():F3}× | {insertWall:F3} µs per value | {Ms(r.Inserts.Baseline(cpu: true))} | {Ms(r.Inserts.Variant(cpu: true))} | {insertCpu:F3} µs per value |")
            .AppendLine()
            .AppendLine("## Blind index per value (BenchmarkDotNet)")
            .AppendLine()
            .AppendLine(inv, $"BenchmarkDotNet, in-process, {microWarmups} warm-up and {microIterations} measured iterations per benchmark; medians. The index key and the per-column key are derived once, as in the application.")
            .AppendLine()
            .AppendLine("| benchmark | what | median | std dev | allocated / op |")
            .AppendLine("| --- | --- | ---: | ---: | ---: |");
        var what = new Dictionary<string, string>
        {
            [nameof(SearchMicroBenchmarks.SaveChangesIndexForWrite40)] = "the index SaveChanges computes for each searchable value (the searchable property's `ForWrite`)",
            [nameof(SearchMicroBenchmarks.BlindIndexComputeForWrite40)] = "`BlindIndex.ComputeForWrite(column, value)` (ADO.NET, Dapper)",
            [nameof(SearchMicroBenchmarks.EncryptString40)] = "the encryption every encrypted value pays, searchable or not (for scale)",
            [nameof(SearchMicroBenchmarks.ReferenceLibsodiumHmacSha256)] = "floor: one libsodium HMAC-SHA-256 of the 40 bytes (NSec, key object cached)",
        };
        foreach (var (name, (stats, allocated)) in micro)
        {
            md.AppendLine(inv, $"| {name} | {what.GetValueOrDefault(name, string.Empty)} | {MicroRunner.Us(stats.Median)} | {MicroRunner.Us(stats.StandardDeviation)} | {allocated} B |");
        }

        var preparerWall = EfBenchmark.Median([.. r.Preparer.Select(t => t.WallMs)]) * 1000 / r.InsertRows;
        var preparerCpu = EfBenchmark.Median([.. r.Preparer.Select(t => t.CpuMs)]) * 1000 / r.InsertRows;
        md.AppendLine()
            .AppendLine("## Where the insert difference goes")
            .AppendLine()
            .AppendLine(inv, $"ColumnCrypto's part of SaveChanges for a searchable column is its index step (`BlindIndexWritingBatchPreparer`): for each added row it computes the index and sets the shadow property `Email_bidx`.")
            .AppendLine(inv, $"Timed alone ({r.Preparer.Count} times over {r.InsertRows:N0} added rows, the library's preparer over one that builds no commands, median): the rest of the end-to-end difference is EF Core")
            .AppendLine("building, sending and reading back a second column per row (Npgsql parameters, SQL text) and PostgreSQL storing it and maintaining a second index.")
            .AppendLine()
            .AppendLine("| per searchable value | wall | CPU |")
            .AppendLine("| --- | ---: | ---: |")
            .AppendLine(inv, $"| end to end: searchable − encrypted insert | {insertWall:F3} µs | {insertCpu:F3} µs |")
            .AppendLine(inv, $"| ColumnCrypto's index step in SaveChanges (index + setting the shadow property) | {preparerWall:F3} µs | {preparerCpu:F3} µs |")
            .AppendLine(inv, $"| … of which the index (microbenchmark above) | {writeMicros:F3} µs | |")
            .AppendLine(inv, $"| … of which EF setting the shadow property (`EntityEntry.Property(name).CurrentValue`) | {preparerWall - writeMicros:F3} µs | |")
            .AppendLine(inv, $"| the rest: EF Core's second column and PostgreSQL's second index (end to end − index step) | {insertWall - preparerWall:F3} µs | {insertCpu - preparerCpu:F3} µs |")
            .AppendLine()
            .AppendLine("## Every run (wall ms)")
            .AppendLine()
            .AppendLine(inv, $"- lookups {Plain}: {Join(r.Lookups.Baseline())}")
            .AppendLine(inv, $"- lookups {Searchable}: {Join(r.Lookups.Variant())}")
            .AppendLine(inv, $"- insert {Encrypted}: {Join(r.Inserts.Baseline())}")
            .AppendLine(inv, $"- insert {Searchable}: {Join(r.Inserts.Variant())}");
        return md.ToString();
    }

    private static string Ms(List<double> values) => string.Create(CultureInfo.InvariantCulture, $"{EfBenchmark.Median(values):F1} ms");

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));
}
