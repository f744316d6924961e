using ColumnCrypto.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ColumnCrypto.DependencyInjection;

/// <summary>
/// A YAML configuration file. A relative path is looked for in the application's content root (when a host registers
/// <see cref="IHostEnvironment"/>), then in its base directory (where the build output is), never in the current
/// directory: <c>dotnet run --project app</c> from another folder, or the built binary started from anywhere, find the
/// same file.
/// </summary>
internal sealed class YamlFileOptionsSource(string path) : ColumnCryptoOptionsSource
{
    /// <inheritdoc />
    public override void Bind(ColumnCryptoOptions options, SettingSchema schema, IServiceProvider services)
    {
        var file = Locate(services.GetService<IHostEnvironment>()?.ContentRootPath, AppContext.BaseDirectory);
        ColumnCryptoYaml.Bind(options, ColumnCryptoYaml.ReadFile(file), file, Path.GetDirectoryName(file), schema, null);
    }

    /// <summary>The file's full path: the first place that has it, or the error listing every place looked in.</summary>
    internal string Locate(string? contentRoot, string baseDirectory)
    {
        if (Path.IsPathRooted(path))
        {
            return Path.GetFullPath(path);
        }

        var places = new List<(string Folder, string What)>();
        if (!string.IsNullOrEmpty(contentRoot))
        {
            places.Add((contentRoot, "the content root"));
        }

        places.Add((baseDirectory, "the application's base directory"));
        var candidates = places.Select(p => (File: Path.GetFullPath(Path.Combine(p.Folder, path)), p.What)).DistinctBy(c => c.File).ToList();
        if (candidates.FirstOrDefault(c => File.Exists(c.File)) is { File: { } found })
        {
            return found;
        }

        throw new ConfigurationProblem(null,
                $"the ColumnCrypto configuration file was not found. Looked in: {string.Join("; ", candidates.Select(c => $"{c.File} ({c.What})"))}. " +
                "A relative path is looked for there, not in the current directory. Give an absolute path, or copy the file to the " +
                $"build output with <None Update=\"{path}\" CopyToOutputDirectory=\"PreserveNewest\" /> in the project file " +
                "(an empty file uses the defaults).")
            .ToException(path, null);
    }
}
