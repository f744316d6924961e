using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ColumnCrypto.DocumentationTests;

/// <summary>
/// The README's C# blocks built as a user would build them: every package packed into a local folder feed (the one
/// scripts/test.sh packed, named by COLUMNCRYPTO_TEST_PACKAGES, or packed here from the build output), each
/// Quickstart a console app with exactly the packages its first line lists, every fragment compiled in a harness, and
/// the tool installed from the feed. Built once for all the tests of a run, in its own NuGet package folder so a
/// package of the same version from an earlier run is never used instead.
/// </summary>
public sealed class DocumentationBuild : IAsyncLifetime
{
    public const string PackagesVariable = "COLUMNCRYPTO_TEST_PACKAGES";
    public const string ReadmeConnectionString = "Host=localhost;Username=postgres;Database=shop";

    private static readonly string[] Ambient =
    [
        "HostApplicationBuilder builder", "IServiceCollection services", "ColumnEncryptor encryptor", "string connectionString",
        "ColumnCryptoDatabase database", "System.Data.Common.DbConnection connection",
    ];

    private readonly string _work = Directory.CreateTempSubdirectory("columncrypto-docs-").FullName;

    public string Feed { get; private set; } = string.Empty;

    public string Version { get; private set; } = string.Empty;

    public ProcessResult Build { get; private set; } = new(-1, "not built");

    public ProcessResult ToolInstall { get; private set; } = new(-1, "not installed");

    public string ToolPath => Path.Combine(_work, "tools", "columncrypto");

    public IReadOnlyList<CodeBlock> Blocks { get; } = MarkdownCode.AllCSharp();

    /// <summary>The whole program whose package list starts with <paramref name="package"/>.</summary>
    public CodeBlock Program(string package) => Blocks.Single(b => b.IsProgram && b.Packages[0] == package);

    public string ProgramFolder(string package) => Path.Combine(_work, ProjectName(package));

    public async Task InitializeAsync()
    {
        Feed = await FindOrPackFeedAsync();
        Version = Regex.Match(string.Join('\n', Directory.GetFiles(Feed, "ColumnCrypto.*.nupkg").Select(Path.GetFileName)),
            @"^ColumnCrypto\.(\d[^\n]*)\.nupkg$", RegexOptions.Multiline).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(Version), $"no ColumnCrypto package in {Feed}");
        WriteNuGetConfig();

        var versions = ThirdPartyVersions();
        var projects = new List<string>();
        foreach (var program in Blocks.Where(b => b.IsProgram))
        {
            var name = ProjectName(program.Packages[0]);
            WriteProject(name, "Exe", program.Packages, versions, new Dictionary<string, string>
            {
                ["Program.cs"] = $"#line {program.Line} \"{program.File}\"\n" + program.Code.Replace(ReadmeConnectionString, "{connection string}", StringComparison.Ordinal),
                ["columncrypto.yaml"] = string.Empty, // "an empty file means the defaults"
            });
            projects.Add(name);
        }

        var fragments = Blocks.Where(b => !b.IsProgram).ToList();
        WriteProject("Fragments", "Library",
            ["ColumnCrypto.EntityFrameworkCore", "ColumnCrypto.Dapper", "ColumnCrypto.Kms.Aws", "ColumnCrypto.HealthChecks", "Npgsql.EntityFrameworkCore.PostgreSQL", "Microsoft.Extensions.Hosting"],
            versions, fragments.Select((b, i) => ($"Fragment{i}.cs", Harness(b, i))).Append(("Usings.cs", FragmentUsings)).ToDictionary());
        projects.Add("Fragments");

        await File.WriteAllTextAsync(Path.Combine(_work, "docs.slnx"),
            $"<Solution>{string.Concat(projects.Select(p => $"<Project Path=\"{p}/{p}.csproj\" />"))}</Solution>");
        Build = await DotNet.RunAsync(_work, ["build", "docs.slnx", "--disable-build-servers", "-nologo", "-clp:NoSummary"]);
        ToolInstall = await DotNet.RunAsync(_work,
            ["tool", "install", "ColumnCrypto.Cli", "--version", Version, "--tool-path", Path.Combine(_work, "tools"), "--configfile", Path.Combine(_work, "NuGet.config")]);
    }

    /// <summary>A Quickstart's program with the README's connection string replaced by <paramref name="connectionString"/>.</summary>
    public async Task UseConnectionStringAsync(string package, string connectionString)
    {
        var program = Path.Combine(ProgramFolder(package), "Program.cs");
        await File.WriteAllTextAsync(program, (await File.ReadAllTextAsync(program)).Replace("{connection string}", connectionString, StringComparison.Ordinal));
    }

    private static string ProjectName(string package) => "Quickstart" + package.Replace("ColumnCrypto.", string.Empty, StringComparison.Ordinal).Replace(".", string.Empty, StringComparison.Ordinal);

    private async Task<string> FindOrPackFeedAsync()
    {
        var configured = Environment.GetEnvironmentVariable(PackagesVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var feed = Path.Combine(_work, "packages");
        var pack = await DotNet.RunAsync(Repository.Root, ["pack", "ColumnCrypto.sln", "-c", Repository.Configuration, "--no-build", "-o", feed, "--disable-build-servers"]);
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed:\n{pack}");
        return feed;
    }

    private void WriteNuGetConfig() => File.WriteAllText(Path.Combine(_work, "NuGet.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <config><add key="globalPackagesFolder" value="{Path.Combine(_work, "nuget-packages")}" /></config>
          <packageSources>
            <clear />
            <add key="local" value="{Feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="local"><package pattern="ColumnCrypto" /><package pattern="ColumnCrypto.*" /></packageSource>
            <packageSource key="nuget.org"><package pattern="*" /></packageSource>
          </packageSourceMapping>
        </configuration>
        """);

    /// <summary>The repository's versions of everything else (Directory.Packages.props): what the packages were built against.</summary>
    private static Dictionary<string, string> ThirdPartyVersions() =>
        XDocument.Load(Repository.Path("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

    private void WriteProject(string name, string outputType, IEnumerable<string> packages, Dictionary<string, string> versions, IReadOnlyDictionary<string, string> files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, name)).FullName;
        var references = string.Concat(packages.Select(p =>
            $"<PackageReference Include=\"{p}\" Version=\"{(p.StartsWith("ColumnCrypto", StringComparison.Ordinal) ? Version : versions[p])}\" />"));
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);CS1998;CS8321;CS0168;CS0219;NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>{references}</ItemGroup>
              <ItemGroup><None Update="columncrypto.yaml" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>
            </Project>
            """);
        foreach (var (file, content) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), content);
        }
    }

    private const string FragmentUsings = """
        global using ColumnCrypto;
        global using ColumnCrypto.Dapper;
        global using ColumnCrypto.Data;
        global using ColumnCrypto.Data.Schema;
        global using Dapper;
        global using Microsoft.EntityFrameworkCore;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Npgsql;
        """;

    /// <summary>
    /// A fragment's statements in a method whose parameters are the variables it uses without declaring them
    /// (<c>builder</c>, <c>services</c>, <c>encryptor</c>, <c>connectionString</c>, <c>database</c>, <c>connection</c>),
    /// followed by its type declarations, in a namespace of its own. #line keeps errors on the README's lines.
    /// </summary>
    private static string Harness(CodeBlock block, int index)
    {
        var lines = block.Code.Split('\n');
        var types = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^(public|internal)\s+((sealed|static|abstract|partial)\s+)*(class|record|struct|interface|enum)\b"));
        var statements = string.Join('\n', types < 0 ? lines : lines[..types]);
        var declarations = types < 0 ? string.Empty : string.Join('\n', lines[types..]);
        var parameters = Ambient.Where(a => UsesUndeclared(statements, a.Split(' ')[^1]));
        return $$"""
            namespace ReadmeFragments.Fragment{{index}};

            internal static class Harness
            {
                public static async Task RunAsync({{string.Join(", ", parameters)}})
                {
            #line {{block.Line}} "{{block.File}}"
            {{statements}}
            #line default
                }
            }

            #line {{block.Line + (types < 0 ? 0 : types)}} "{{block.File}}"
            {{declarations}}
            """;
    }

    private static bool UsesUndeclared(string code, string name) =>
        Regex.IsMatch(code, $@"\b{name}\b") &&
        !Regex.IsMatch(code, $@"\b(var|[\w<>\[\]?]+)\s+{name}\s*=|\(\s*{name}\s*,|,\s*{name}\s*\)\s*=>|\b{name}\s*=>");

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }
}
