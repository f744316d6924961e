using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ColumnCrypto.DocumentationTests;

/// <summary>
/// Every package in a local folder feed (the one scripts/test.sh packed, named by COLUMNCRYPTO_TEST_PACKAGES, or packed
/// here from the build output), a NuGet.config that takes ColumnCrypto from it (everything else from NuGet) into a
/// package folder of its own (so a package of the same version from an earlier run is never used instead), and
/// projects that reference the packages as a user's would.
/// </summary>
public sealed class PackageFeed
{
    public const string PackagesVariable = "COLUMNCRYPTO_TEST_PACKAGES";

    private readonly string _work;
    private readonly Dictionary<string, string> _versions = ThirdPartyVersions();

    private PackageFeed(string work, string folder, string version)
    {
        _work = work;
        Folder = folder;
        Version = version;
    }

    /// <summary>The folder holding the .nupkg files.</summary>
    public string Folder { get; }

    /// <summary>The packages' version.</summary>
    public string Version { get; }

    /// <summary>The NuGet.config of every project written under the work folder.</summary>
    public string NuGetConfig => Path.Combine(_work, "NuGet.config");

    public static async Task<PackageFeed> CreateAsync(string work)
    {
        var folder = await FindOrPackAsync(work);
        var version = Regex.Match(string.Join('\n', Directory.GetFiles(folder, "ColumnCrypto.*.nupkg").Select(Path.GetFileName)),
            @"^ColumnCrypto\.(\d[^\n]*)\.nupkg$", RegexOptions.Multiline).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(version), $"no ColumnCrypto package in {folder}");
        var feed = new PackageFeed(work, folder, version);
        feed.WriteNuGetConfig();
        return feed;
    }

    /// <summary>
    /// A project <paramref name="name"/> under the work folder referencing <paramref name="packages"/> (ColumnCrypto's
    /// at the feed's version, the others at the repository's), with <paramref name="files"/> and extra MSBuild
    /// <paramref name="properties"/>.
    /// </summary>
    public string WriteProject(string name, string outputType, IEnumerable<string> packages, IReadOnlyDictionary<string, string> files, string properties = "")
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, name)).FullName;
        var references = string.Concat(packages.Select(p =>
            $"<PackageReference Include=\"{p}\" Version=\"{(p.StartsWith("ColumnCrypto", StringComparison.Ordinal) ? Version : _versions[p])}\" />"));
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);CS1998;CS8321;CS0168;CS0219;NU1603</NoWarn>
                {properties}
              </PropertyGroup>
              <ItemGroup>{references}</ItemGroup>
              <ItemGroup><None Update="columncrypto.yaml" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>
            </Project>
            """);
        foreach (var (file, content) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), content);
        }

        return folder;
    }

    private static async Task<string> FindOrPackAsync(string work)
    {
        var configured = Environment.GetEnvironmentVariable(PackagesVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var feed = Path.Combine(work, "packages");
        var pack = await DotNet.RunAsync(Repository.Root, ["pack", "ColumnCrypto.sln", "-c", Repository.Configuration, "--no-build", "-o", feed, "--disable-build-servers"]);
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed:\n{pack}");
        return feed;
    }

    private void WriteNuGetConfig() => File.WriteAllText(NuGetConfig, $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <config><add key="globalPackagesFolder" value="{Path.Combine(_work, "nuget-packages")}" /></config>
          <packageSources>
            <clear />
            <add key="local" value="{Folder}" />
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
}
