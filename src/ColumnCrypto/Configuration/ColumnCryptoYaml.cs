namespace ColumnCrypto.Configuration;

/// <summary>
/// Loads <see cref="ColumnCryptoOptions"/> from YAML in the shape the product documentation shows
/// (<c>schedule:</c>, <c>plugins: awsKms:</c>, <c>masterKey:</c>). Setting names are case-sensitive.
/// Scalar values may refer to environment variables as <c>${NAME}</c>; write <c>$${</c> for a literal <c>${</c>.
/// An empty document yields the defaults.
/// </summary>
/// <remarks>
/// Every problem raises a <see cref="ColumnCryptoConfigurationException"/> whose message names the file, the line and
/// the dotted setting and says how to fix it. Secret values (<c>secretAccessKey</c>, <c>sessionToken</c>) never
/// appear in messages.
/// </remarks>
public static class ColumnCryptoYaml
{
    /// <summary>Loads a YAML configuration file, expanding <c>${NAME}</c> from the process environment.</summary>
    /// <param name="path">The file. A relative <c>masterKey.file</c> in it is resolved against the file's folder.</param>
    /// <returns>The validated options, with <see cref="ColumnCryptoOptions.Source"/> set to the file's full path.</returns>
    /// <exception cref="ColumnCryptoConfigurationException">The file is missing, unreadable or invalid.</exception>
    public static ColumnCryptoOptions LoadFile(string path) => LoadFile(path, Environment.GetEnvironmentVariable);

    /// <summary>Loads a YAML configuration file, expanding <c>${NAME}</c> through <paramref name="getEnvironmentVariable"/>.</summary>
    /// <param name="path">The file. A relative <c>masterKey.file</c> in it is resolved against the file's folder.</param>
    /// <param name="getEnvironmentVariable">Returns a variable's value, or null when it is not set.</param>
    /// <returns>The validated options, with <see cref="ColumnCryptoOptions.Source"/> set to the file's full path.</returns>
    /// <exception cref="ColumnCryptoConfigurationException">The file is missing, unreadable or invalid.</exception>
    public static ColumnCryptoOptions LoadFile(string path, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var fullPath = Path.GetFullPath(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigurationProblem(null,
                    "the ColumnCrypto configuration file does not exist. Check the path, or create the file " +
                    "(an empty file uses the defaults).")
                .ToException(fullPath, null, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationProblem(null,
                    $"the ColumnCrypto configuration file cannot be read ({ex.Message}). Check that it is a readable file.")
                .ToException(fullPath, null, ex);
        }

        return Load(yaml, fullPath, Path.GetDirectoryName(fullPath), getEnvironmentVariable);
    }

    /// <summary>Parses YAML configuration text, expanding <c>${NAME}</c> from the process environment.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Names the text in error messages and <see cref="ColumnCryptoOptions.Source"/>.</param>
    /// <returns>The validated options. A relative <c>masterKey.file</c> is left relative (to the working directory).</returns>
    /// <exception cref="ColumnCryptoConfigurationException">The YAML is invalid.</exception>
    public static ColumnCryptoOptions Parse(string yaml, string sourceName) =>
        Parse(yaml, sourceName, Environment.GetEnvironmentVariable);

    /// <summary>Parses YAML configuration text, expanding <c>${NAME}</c> through <paramref name="getEnvironmentVariable"/>.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Names the text in error messages and <see cref="ColumnCryptoOptions.Source"/>.</param>
    /// <param name="getEnvironmentVariable">Returns a variable's value, or null when it is not set.</param>
    /// <returns>The validated options. A relative <c>masterKey.file</c> is left relative (to the working directory).</returns>
    /// <exception cref="ColumnCryptoConfigurationException">The YAML is invalid.</exception>
    public static ColumnCryptoOptions Parse(string yaml, string sourceName, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        return Load(yaml, sourceName, null, getEnvironmentVariable);
    }

    private static ColumnCryptoOptions Load(string yaml, string source, string? baseDirectory, Func<string, string?> getEnvironmentVariable)
    {
        var options = new ColumnCryptoOptions { Source = source };
        var binder = new YamlSettingsBinder(options, source, getEnvironmentVariable);
        binder.Bind(YamlConfigReader.Read(yaml, source));

        // Rules that span settings run on the finished options; report the earliest in the file first.
        var first = ColumnCryptoOptionsRules.Check(options)
            .Select(problem => (problem, line: binder.LineOf(problem.Setting)))
            .OrderBy(p => p.line ?? int.MaxValue)
            .FirstOrDefault();
        if (first.problem is not null)
        {
            throw first.problem.ToException(source, first.line);
        }

        if (baseDirectory is not null && options.MasterKey.File is { } file && !Path.IsPathRooted(file))
        {
            options.MasterKey.File = Path.GetFullPath(Path.Combine(baseDirectory, file));
        }

        return options;
    }
}
