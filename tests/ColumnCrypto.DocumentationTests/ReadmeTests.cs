using System.IO.Compression;
using System.Security.Cryptography;
using System.Xml.Linq;
using Npgsql;

namespace ColumnCrypto.DocumentationTests;

/// <summary>The README and the packages' READMEs say what the packages do: their code compiles and the Quickstarts run.</summary>
public sealed class ReadmeTests(DocumentationBuild docs, PostgresServer postgres) : IClassFixture<DocumentationBuild>, IClassFixture<PostgresServer>
{
    [Fact]
    public void Every_csharp_block_of_the_readmes_compiles_against_the_packages_as_pasted()
    {
        Assert.True(docs.Build.ExitCode == 0, docs.Build.ToString());
        Assert.Equal(2, docs.Blocks.Count(b => b.IsProgram));
        Assert.True(docs.Blocks.Count(b => !b.IsProgram) >= 6, string.Join(", ", docs.Blocks));
    }

    [Theory]
    [InlineData("ColumnCrypto.EntityFrameworkCore")]
    [InlineData("ColumnCrypto.Dapper")]
    public async Task A_Quickstart_runs_against_PostgreSQL_and_prints_the_decrypted_value_without_warnings(string package)
    {
        Assert.True(docs.Build.ExitCode == 0, docs.Build.ToString());
        Assert.Contains(DocumentationBuild.ReadmeConnectionString, docs.Program(package).Code, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Extensions.Hosting", docs.Program(package).Packages);
        var connectionString = await postgres.CreateDatabaseAsync();
        await docs.UseConnectionStringAsync(package, connectionString);
        var folder = docs.ProgramFolder(package);
        var build = await DotNet.RunAsync(folder, ["build", "--disable-build-servers", "-nologo", "-clp:NoSummary"]);
        Assert.True(build.ExitCode == 0, build.ToString());
        var environment = new Dictionary<string, string> { ["COLUMNCRYPTO_MASTER_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

        // Twice: a second run over the same database (keys and tables already there) works as well.
        for (var run = 0; run < 2; run++)
        {
            var result = await DotNet.RunAsync(folder, ["run", "--no-build"], environment);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("ada@example.com", result.Output.Split('\n').Select(l => l.Trim()));
            Assert.DoesNotContain("warn: ColumnCrypto", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("fail:", result.Output, StringComparison.Ordinal);
        }

        // Stored encrypted, and recorded for re-encryption and the tool.
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM columncrypto_encrypted_columns WHERE lower(table_name) = 'customers'", db);
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public async Task The_tool_installs_from_the_feed_and_its_usage_line_says_columncrypto()
    {
        Assert.True(docs.ToolInstall.ExitCode == 0, docs.ToolInstall.ToString());
        var help = await DotNet.RunProgramAsync(docs.ToolPath, Path.GetTempPath(), ["--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:\n  columncrypto [command] [options]", help.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var version = await DotNet.RunProgramAsync(docs.ToolPath, Path.GetTempPath(), ["--version"]);
        Assert.StartsWith(docs.Version + "+", version.Output.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ColumnCrypto")]
    [InlineData("ColumnCrypto.Data")]
    [InlineData("ColumnCrypto.EntityFrameworkCore")]
    [InlineData("ColumnCrypto.Dapper")]
    [InlineData("ColumnCrypto.Kms.Aws")]
    [InlineData("ColumnCrypto.HealthChecks")]
    [InlineData("ColumnCrypto.Cli")]
    public void Every_package_has_its_readme_license_repository_tags_and_symbols(string id)
    {
        var package = Path.Combine(docs.Feed, $"{id}.{docs.Version}.nupkg");
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"no symbols package next to {package}");
        using var archive = ZipFile.OpenRead(package);
        using var nuspecStream = archive.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Get(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");

        Assert.Equal("README.md", Get("readme"));
        Assert.NotNull(archive.GetEntry("README.md"));
        Assert.NotNull(archive.GetEntry("LICENSE"));
        Assert.Equal("MIT", Get("license"));
        Assert.Equal("https://github.com/columncrypto/columncrypto", Get("projectUrl"));
        Assert.Equal("https://github.com/columncrypto/columncrypto", (string?)repository.Attribute("url"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? string.Empty);
        Assert.Contains("encryption", Get("tags") ?? string.Empty, StringComparison.Ordinal);
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.DoesNotContain("Microsoft.Extensions.Logging", dependencies); // the abstractions only
        Assert.DoesNotContain("MinVer", dependencies);
    }
}
