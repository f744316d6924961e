using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.Keys;
using ColumnCrypto.Kms.Aws;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Sample;

/// <summary>
/// The sample application: a host with ColumnCrypto (data keys in the app's own database, rolled over on schedule by
/// the hosted service), a DbContext whose [Encrypted] properties are encrypted transparently, and EF migrations that
/// create the customers table and ColumnCrypto's key table. Each run writes a few customers and shows what is stored.
/// </summary>
internal static class SampleApp
{
    private const string DataFolder = ".columncrypto";

    public static async Task<int> RunAsync(string[] args, TextWriter output, string workingDirectory)
    {
        var arguments = SampleArguments.Parse(args);
        if (arguments.Help || arguments.Error is not null)
        {
            if (arguments.Error is not null)
            {
                output.WriteLine(arguments.Error);
            }

            output.WriteLine(SampleArguments.Usage);
            return arguments.Error is null ? 0 : 2;
        }

        try
        {
            var dataFolder = Path.Combine(workingDirectory, DataFolder);
            if (!Directory.Exists(dataFolder) && !OperatingSystem.IsWindows())
            {
                // The master key file goes here: keep the folder to its owner.
                Directory.CreateDirectory(dataFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var connection = arguments.Connection ?? $"Data Source={Path.Combine(dataFolder, "sample.db")}";
            var postgres = IsPostgres(connection);
            if (!postgres)
            {
                connection = PrepareSqlite(connection, workingDirectory, arguments.Reset, output);
            }

            var config = arguments.Config is null ? null : Path.Combine(workingDirectory, arguments.Config);
            return postgres
                ? await RunAsync<PostgresSampleDbContext>(o => o.UseNpgsql(connection), "PostgreSQL", config, dataFolder, arguments, output)
                : await RunAsync<SqliteSampleDbContext>(o => o.UseSqlite(connection), "SQLite", config, dataFolder, arguments, output);
        }
        catch (ColumnCryptoException e)
        {
            output.WriteLine($"ColumnCrypto error: {e.Message}");
            return 1;
        }
        catch (OptionsValidationException e)
        {
            output.WriteLine($"ColumnCrypto configuration error: {string.Join(" ", e.Failures)}");
            return 1;
        }
        catch (DbException e)
        {
            output.WriteLine($"Database error: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync<TContext>(Func<DbContextOptionsBuilder, DbContextOptionsBuilder> useDatabase, string databaseName,
        string? configFile, string dataFolder, SampleArguments arguments, TextWriter output)
        where TContext : SampleDbContext
    {
        // 1. Wire the application as any ColumnCrypto app would: the settings from --config (a YAML file) when given.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var sampleKeyFile = Path.Combine(dataFolder, "master.key");
        Action<ColumnCryptoOptions> useSampleKey = options => UseSampleKeyFileIfNoKey(options, sampleKeyFile);
        var crypto = configFile is null ? builder.Services.AddColumnCrypto(useSampleKey) : builder.Services.AddColumnCrypto(configFile, useSampleKey);
        crypto.UseDbContextKeyStore<TContext>()
            .AddReencryption<TContext>()
            .AddAwsKms();
        builder.Services.AddDbContextFactory<TContext>((services, options) => useDatabase(options).UseColumnEncryption(services));
        using var host = builder.Build();
        DescribeKey(host.Services.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value, sampleKeyFile, output);
        var contexts = host.Services.GetRequiredService<IDbContextFactory<TContext>>();

        // 2. Migrations create the customers table and the key table (it is part of the model).
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        // 3. Load the data keys (creating version 1 in an empty key table). Starting the host does this too; the sample
        //    does it first so that its rollover and writes happen before the background re-encryption starts.
        var keys = host.Services.GetRequiredService<IDataKeyManager>();
        await keys.InitializeAsync(CancellationToken.None);
        int existing;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            existing = await db.Customers.CountAsync();
        }

        output.WriteLine($"Database: {databaseName}; {existing} customer(s) from earlier runs.");
        if (arguments.Rollover ?? existing > 0)
        {
            // What the schedule does every schedule.dataKeyRollOverLength days (or 'columncrypto rotate' does on demand).
            var version = await keys.RollOverAsync(CancellationToken.None);
            output.WriteLine($"Simulated rollover: created data key version {version}. New values use it; older values keep their version and stay readable.");
        }

        var current = await keys.GetCurrentVersionAsync(CancellationToken.None);

        // 4. Write customers: ordinary EF code; the [Encrypted] properties are encrypted on SaveChanges.
        var added = NewCustomers(existing);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Customers.AddRange(added);
            await db.SaveChangesAsync();
        }

        output.WriteLine($"Wrote {added.Count} customers; their encrypted values use data key version {current}.");

        // 5. What is really stored, next to what the application reads.
        var sample = added[0];
        byte[] raw;
        Customer read;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            raw = (await ReadEmailColumnAsync(db, sample.Id)).Single();
            read = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == sample.Id);
        }

        output.WriteLine($"customers.email of customer {sample.Id} ({sample.Name}):");
        output.WriteLine($"  stored in the database ({raw.Length} bytes, base64): {Convert.ToBase64String(raw)}");
        output.WriteLine($"  decrypted by the application: {read.Email} (key version {ColumnEncryptor.GetKeyVersion(raw)})");
        output.WriteLine($"  other encrypted fields read back: national id {read.NationalId}, born {read.DateOfBirth:yyyy-MM-dd}, credit limit {read.CreditLimit.ToString("N2", CultureInfo.InvariantCulture)}");

        // 6. Which key versions the stored values use.
        List<byte[]> before;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            before = await ReadEmailColumnAsync(db, null);
        }

        output.WriteLine($"Customers by key version of their email: {DescribeVersions(before)}.");

        // 7. Start the host: the rollover schedule, and the background re-encryption (AddReencryption), which records the
        //    encrypted columns and moves every older value to the newest key at start-up and every reencryption.interval minutes.
        await host.StartAsync();
        var moved = await WaitForReencryptionAsync(host.Services, current);
        List<byte[]> after;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            after = await ReadEmailColumnAsync(db, null);
        }

        var older = before.Count(v => ColumnEncryptor.GetKeyVersion(v) < current);
        output.WriteLine(older == 0
            ? $"Re-encryption: nothing to move, every value is on version {current}."
            : $"Re-encryption ({(moved ? "background task" : "run now")}): moved {older - after.Count(v => ColumnEncryptor.GetKeyVersion(v) < current)} customer row(s) from older keys to version {current}.");
        output.WriteLine($"Customers by key version of their email after re-encryption: {DescribeVersions(after)}.");

        await keys.RefreshAsync(CancellationToken.None);
        var all = await keys.GetKeysAsync(CancellationToken.None);
        output.WriteLine($"Data keys: {string.Join(", ", all.Select(k => $"v{k.Version} ({k.Status.ToString().ToLowerInvariant()}{(k.Version == current ? ", current" : "")}, wrapped by {k.WrappingProvider})"))}.");

        await host.StopAsync();
        output.WriteLine("Done. Run it again for another rollover, or look at the keys and columns with the operator tool:");
        var config = arguments.Config is null ? string.Empty : $" --config {arguments.Config}";
        output.WriteLine(databaseName == "SQLite" && arguments.Connection is null
            ? $"  dotnet run --project src/ColumnCrypto.Cli -- status --connection \"Data Source=.columncrypto/sample.db\"{config}"
            : $"  dotnet run --project src/ColumnCrypto.Cli -- status --connection \"<the same connection string>\"{config}");
        return 0;
    }

    /// <summary>
    /// Waits (up to 30 s) for the background task's first run to leave no value on an older key; if it has not by then,
    /// runs the re-encryption here. Returns whether the background task did it.
    /// </summary>
    private static async Task<bool> WaitForReencryptionAsync(IServiceProvider services, int current)
    {
        var coverage = services.GetRequiredService<DataKeyLifecycle>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var report = await coverage.GetCoverageAsync();
            if (report.Columns.Count > 0 && report.Columns.All(c => c.Total == c.AtOrAbove(current)))
            {
                return true;
            }

            await Task.Delay(100);
        }

        await services.GetRequiredService<ColumnReencryptor>().RunAsync();
        return false;
    }

    private static List<Customer> NewCustomers(int existing)
    {
        string[] first = ["Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Frances"];
        string[] last = ["Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth", "Allen"];
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(existing, 5).Select(i =>
        {
            var name = $"{first[i % first.Length]} {last[(i / first.Length + i) % last.Length]}";
            return new Customer
            {
                Name = name,
                Email = $"{name.Replace(' ', '.').ToLowerInvariant()}.{i}@example.com",
                NationalId = $"{RandomNumberGenerator.GetInt32(100, 999)}-{RandomNumberGenerator.GetInt32(10, 99)}-{RandomNumberGenerator.GetInt32(1000, 9999)}",
                Notes = i % 2 == 0 ? "Prefers email contact." : null,
                DateOfBirth = new DateOnly(1950, 1, 1).AddDays(RandomNumberGenerator.GetInt32(0, 20_000)),
                CreditLimit = RandomNumberGenerator.GetInt32(5, 500) * 100m,
                CreatedAt = now,
            };
        })];
    }

    /// <summary>The raw stored bytes of customers.email (all rows, or one), read with plain SQL: what a database dump would show.</summary>
    private static async Task<List<byte[]>> ReadEmailColumnAsync(DbContext db, int? id)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = id is null ? "SELECT email FROM customers" : $"SELECT email FROM customers WHERE id = {id.Value.ToString(CultureInfo.InvariantCulture)}";
        var values = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add((byte[])reader.GetValue(0));
        }

        return values;
    }

    private static string DescribeVersions(IEnumerable<byte[]> values) =>
        string.Join(", ", values.GroupBy(v => ColumnEncryptor.GetKeyVersion(v) ?? 0).OrderBy(g => g.Key).Select(g => $"version {g.Key}: {g.Count()}"));

    /// <summary>With no KMS and no key configured, the sample keeps its key next to its database, as 'columncrypto init' does.</summary>
    private static void UseSampleKeyFileIfNoKey(ColumnCryptoOptions options, string sampleKeyFile)
    {
        if (!options.Plugins.Any(p => p.Value.IsKms) && string.IsNullOrWhiteSpace(options.MasterKey.File) &&
            string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(options.MasterKey.EnvironmentVariable)))
        {
            options.MasterKey.File = sampleKeyFile;
        }
    }

    /// <summary>Says what wraps the data keys, generating the sample's own key file on the first run.</summary>
    private static void DescribeKey(ColumnCryptoOptions options, string sampleKeyFile, TextWriter output)
    {
        if (options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName) is { IsKms: true } kms)
        {
            output.WriteLine($"Data keys are wrapped by AWS KMS key {kms.KeyId} in {kms.Region}.");
            return;
        }

        if (options.MasterKey.File is not { } file)
        {
            output.WriteLine($"Local master key: environment variable {options.MasterKey.EnvironmentVariable}.");
            return;
        }

        if (file != sampleKeyFile || File.Exists(file))
        {
            output.WriteLine($"Local master key: {file}.");
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = RandomNumberGenerator.GetBytes(32);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(file, fileOptions)))
        {
            writer.WriteLine(Convert.ToBase64String(key));
        }

        CryptographicOperations.ZeroMemory(key);
        output.WriteLine($"Local master key: generated {file} (permissions 0600). Without it the sample's data cannot be decrypted.");
    }

    private static string PrepareSqlite(string connection, string workingDirectory, bool reset, TextWriter output)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connection);
        var file = Path.GetFullPath(Path.Combine(workingDirectory, builder.DataSource));
        builder.DataSource = file;
        builder.Pooling = false;
        if (reset && File.Exists(file))
        {
            File.Delete(file);
            output.WriteLine($"Reset: deleted {file}.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        output.WriteLine($"SQLite database: {file}");
        return builder.ConnectionString;
    }

    private static bool IsPostgres(string connection)
    {
        var keys = new DbConnectionStringBuilder { ConnectionString = connection }.Keys.Cast<string>().Select(k => k.ToLowerInvariant()).ToList();
        return keys.Contains("host") || keys.Contains("server");
    }
}
