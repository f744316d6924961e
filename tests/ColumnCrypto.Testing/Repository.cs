using System.Reflection;

namespace ColumnCrypto.Testing;

/// <summary>Where the repository's files and the other projects' build outputs are, seen from a test's output folder.</summary>
public static class Repository
{
    /// <summary>The folder holding ColumnCrypto.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of the running tests (Release, Debug): other projects were built the same way.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>A file or folder of the repository, from a path relative to its root.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The build output of a project of the repository (for example tests/ColumnCrypto.HostApp).</summary>
    public static string OutputOf(string projectFolder) =>
        System.IO.Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "ColumnCrypto.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No ColumnCrypto.sln above {AppContext.BaseDirectory}: the tests run from the repository's build output.");
    }
}
