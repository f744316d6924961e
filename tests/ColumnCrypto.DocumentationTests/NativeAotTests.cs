namespace ColumnCrypto.DocumentationTests;

/// <summary>
/// The packages that declare IsAotCompatible are: a console app referencing ColumnCrypto.Data (and so the core) with
/// SQLite, published with native AOT from the packages, builds without a single trim or AOT warning and encrypts and
/// decrypts in the native program.
/// </summary>
public sealed class NativeAotTests
{
    private const string Program = """
        using ColumnCrypto;
        using ColumnCrypto.Data;
        using ColumnCrypto.Data.Registry;
        using ColumnCrypto.Data.Schema;
        using ColumnCrypto.DependencyInjection;
        using Microsoft.Data.Sqlite;
        using Microsoft.Extensions.DependencyInjection;

        // A local master key from the variable the YAML names, the key table in SQLite, several value types.
        var database = ColumnCryptoDatabase.Create(ColumnCryptoDatabaseProvider.Sqlite, () => new SqliteConnection("Data Source=" + args[0]));
        await ColumnCryptoSchema.CreateMissingTablesAsync(database);
        var services = new ServiceCollection();
        services.AddColumnCrypto(Path.Combine(AppContext.BaseDirectory, "columncrypto.yaml")).UseSqlKeyStore(database).WithoutHostedService();
        await using var provider = services.BuildServiceProvider();
        var encryptor = provider.GetRequiredService<ColumnEncryptor>();

        var email = new EncryptedColumn("customers", "email");
        var born = new EncryptedColumn("customers", "born");
        var day = new EncryptedColumn("customers", "day");
        var stored = encryptor.Encrypt(email, "ada@example.com")!;
        Check(ColumnEncryptor.IsCiphertext(stored) && ColumnEncryptor.GetKeyVersion(stored) == 1, "the stored email is ciphertext under key version 1");
        Check(encryptor.Decrypt<string>(email, stored) == "ada@example.com", "the email decrypts");
        Check(encryptor.Decrypt<DateOnly?>(born, encryptor.Encrypt<DateOnly?>(born, new DateOnly(1815, 12, 10))) == new DateOnly(1815, 12, 10), "a DateOnly? decrypts");
        Check(encryptor.Decrypt<DayOfWeek?>(day, encryptor.Encrypt<DayOfWeek?>(day, DayOfWeek.Friday)) == DayOfWeek.Friday, "an enum? decrypts");
        Check(encryptor.Decrypt<DayOfWeek>(day, encryptor.Encrypt(day, DayOfWeek.Monday)) == DayOfWeek.Monday, "an enum decrypts");
        Check(encryptor.DecryptFromBase64<decimal>(email, encryptor.EncryptToBase64(email, 12.5m)) == 12.5m, "base64 round trip");

        var registry = new EncryptedColumnRegistry(database);
        await registry.RegisterAsync(EncryptedColumnRegistration.For<string>(email, null, "customers", "email", ["id"]));
        Check((await registry.GetColumnsAsync()).Single().KeyColumns.SequenceEqual(["id"]), "the registry reads its key columns back");
        Console.WriteLine("native round trip: ok");

        static void Check(bool condition, string what)
        {
            if (!condition)
            {
                throw new InvalidOperationException("failed: " + what);
            }
        }
        """;

    [Fact]
    public async Task A_console_app_on_ColumnCrypto_Data_publishes_with_native_AOT_without_warnings_and_round_trips_values()
    {
        var work = Directory.CreateTempSubdirectory("columncrypto-aot-").FullName;
        try
        {
            var feed = await PackageFeed.CreateAsync(work);
            var folder = feed.WriteProject("AotApp", "Exe", ["ColumnCrypto.Data", "Microsoft.Data.Sqlite", "Microsoft.Extensions.DependencyInjection"],
                new Dictionary<string, string> { ["Program.cs"] = Program, ["columncrypto.yaml"] = "masterKey:\n  environmentVariable: AOT_APP_MASTER_KEY\n" },
                "<PublishAot>true</PublishAot><InvariantGlobalization>true</InvariantGlobalization>");
            var output = Path.Combine(work, "out");

            // Native AOT links with clang (scripts/test.sh installs it when missing).
            var publish = await DotNet.RunAsync(folder, ["publish", "-c", "Release", "-r", "linux-x64", "-o", output, "--disable-build-servers", "-nologo", "-clp:NoSummary"]);
            Assert.True(publish.ExitCode == 0, publish.ToString());
            Assert.Contains("Generating native code", publish.Output, StringComparison.Ordinal);
            var warnings = publish.Output.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ToList();
            Assert.True(warnings.Count == 0, string.Join('\n', warnings));

            var environment = new Dictionary<string, string> { ["AOT_APP_MASTER_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
            var run = await DotNet.RunProgramAsync(Path.Combine(output, "AotApp"), work, [Path.Combine(work, "keys.db")], environment);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("native round trip: ok", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
