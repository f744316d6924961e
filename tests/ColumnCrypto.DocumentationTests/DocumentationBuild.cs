using System.Text.RegularExpressions;

namespace ColumnCrypto.DocumentationTests;

/// <summary>
/// The README's C# blocks built as a user would build them against the packages (<see cref="PackageFeed"/>): each
/// Quickstart a console app with exactly the packages its first line lists, every fragment compiled in a harness, and
/// the tool installed from the feed. Built once for all the tests of a run.
/// </summary>
public sealed class DocumentationBuild : IAsyncLifetime
{
    public const string ReadmeConnectionString = "Host=localhost;Username=postgres;Database=shop";

    private static readonly string[] Ambient =
    [
        "HostApplicationBuilder builder", "IServiceCollection services", "ColumnEncryptor encryptor", "string connectionString",
        "ColumnCryptoDatabase database", "System.Data.Common.DbConnection connection",
    ];

    private readonly string _work = Directory.CreateTempSubdirectory("columncrypto-docs-").FullName;

    private PackageFeed? _feed;

    public string Feed => _feed?.Folder ?? string.Empty;

    public string Version => _feed?.Version ?? string.Empty;

    public ProcessResult Build { get; private set; } = new(-1, "not built");

    public ProcessResult ToolInstall { get; private set; } = new(-1, "not installed");

    public string ToolPath => Path.Combine(_work, "tools", "columncrypto");

    public IReadOnlyList<CodeBlock> Blocks { get; } = MarkdownCode.AllCSharp();

    /// <summary>The whole program whose package list starts with <paramref name="package"/>.</summary>
    public CodeBlock Program(string package) => Blocks.Single(b => b.IsProgram && b.Packages[0] == package);

    public string ProgramFolder(string package) => Path.Combine(_work, ProjectName(package));

    public async Task InitializeAsync()
    {
        _feed = await PackageFeed.CreateAsync(_work);
        var projects = new List<string>();
        foreach (var program in Blocks.Where(b => b.IsProgram))
        {
            var name = ProjectName(program.Packages[0]);
            _feed.WriteProject(name, "Exe", program.Packages, new Dictionary<string, string>
            {
                ["Program.cs"] = $"#line {program.Line} \"{program.File}\"\n" + program.Code.Replace(ReadmeConnectionString, "{connection string}", StringComparison.Ordinal),
                ["columncrypto.yaml"] = string.Empty, // "an empty file means the defaults"
            });
            projects.Add(name);
        }

        var fragments = Blocks.Where(b => !b.IsProgram).ToList();
        _feed.WriteProject("Fragments", "Library",
            ["ColumnCrypto.EntityFrameworkCore", "ColumnCrypto.Dapper", "ColumnCrypto.Kms.Aws", "ColumnCrypto.HealthChecks", "Npgsql.EntityFrameworkCore.PostgreSQL", "Microsoft.Extensions.Hosting"],
            fragments.Select((b, i) => ($"Fragment{i}.cs", Harness(b, i))).Append(("Usings.cs", FragmentUsings)).ToDictionary());
        projects.Add("Fragments");

        await File.WriteAllTextAsync(Path.Combine(_work, "docs.slnx"),
            $"<Solution>{string.Concat(projects.Select(p => $"<Project Path=\"{p}/{p}.csproj\" />"))}</Solution>");
        Build = await DotNet.RunAsync(_work, ["build", "docs.slnx", "--disable-build-servers", "-nologo", "-clp:NoSummary"]);
        ToolInstall = await DotNet.RunAsync(_work,
            ["tool", "install", "ColumnCrypto.Cli", "--version", Version, "--tool-path", Path.Combine(_work, "tools"), "--configfile", _feed.NuGetConfig]);
    }

    /// <summary>A Quickstart's program with the README's connection string replaced by <paramref name="connectionString"/>.</summary>
    public async Task UseConnectionStringAsync(string package, string connectionString)
    {
        var program = Path.Combine(ProgramFolder(package), "Program.cs");
        await File.WriteAllTextAsync(program, (await File.ReadAllTextAsync(program)).Replace("{connection string}", connectionString, StringComparison.Ordinal));
    }

    private static string ProjectName(string package) => "Quickstart" + package.Replace("ColumnCrypto.", string.Empty, StringComparison.Ordinal).Replace(".", string.Empty, StringComparison.Ordinal);

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
