namespace ColumnCrypto.Configuration;

/// <summary>
/// Loads <see cref="ColumnCryptoOptions"/> from YAML in the shape the product documentation shows
/// (<c>schedule:</c>, <c>plugins: &lt;name&gt;:</c>, <c>masterKey:</c>), without dependency injection. Setting names are
/// case-sensitive. Scalar values may refer to environment variables as <c>${NAME}</c>; write <c>$${</c> for a literal
/// <c>${</c>. An empty document yields the defaults. <c>AddColumnCrypto("columncrypto.yaml")</c> reads files the same way.
/// </summary>
/// <remarks>
/// Every problem raises a <see cref="ColumnCryptoConfigurationException"/> whose message names the file, the line and
/// the dotted setting and says how to fix it. Secret values (<c>secretAccessKey</c>, <c>sessionToken</c>) never
/// appear in messages. A <c>plugins.&lt;name&gt;</c> section needs its plugin among <c>plugins</c> (each plugin
/// package exposes its <see cref="IColumnCryptoPlugin"/>).
/// </remarks>
public static class ColumnCryptoYaml
{
    /// <summary>Loads and validates a YAML configuration file.</summary>
    /// <param name="path">The file. A relative <c>masterKey.file</c> in it is resolved against the file's folder.</param>
    /// <param name="plugins">The plugins whose sections the file may contain.</param>
    /// <param name="getEnvironmentVariable">Returns a variable's value, or null when it is not set; default: the process environment.</param>
    /// <returns>The validated options, with <see cref="ColumnCryptoOptions.Source"/> set to the file's full path.</returns>
    /// <exception cref="ColumnCryptoConfigurationException">The file is missing, unreadable or invalid.</exception>
    public static ColumnCryptoOptions LoadFile(string path, IEnumerable<IColumnCryptoPlugin> plugins, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        return Load(ReadFile(fullPath), fullPath, Path.GetDirectoryName(fullPath), plugins, getEnvironmentVariable);
    }

    /// <summary>Parses and validates YAML configuration text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">Names the text in error messages and <see cref="ColumnCryptoOptions.Source"/>.</param>
    /// <param name="plugins">The plugins whose sections the text may contain.</param>
    /// <param name="getEnvironmentVariable">Returns a variable's value, or null when it is not set; default: the process environment.</param>
    /// <returns>The validated options. A relative <c>masterKey.file</c> is left relative (to the working directory).</returns>
    /// <exception cref="ColumnCryptoConfigurationException">The YAML is invalid.</exception>
    public static ColumnCryptoOptions Parse(string yaml, string sourceName, IEnumerable<IColumnCryptoPlugin> plugins, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        return Load(yaml, sourceName, null, plugins, getEnvironmentVariable);
    }

    /// <summary>The text of a configuration file, or the error naming it.</summary>
    internal static string ReadFile(string fullPath)
    {
        try
        {
            return File.ReadAllText(fullPath);
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
    }

    /// <summary>
    /// Binds <paramref name="yaml"/> into <paramref name="options"/>, failing at the first binding error (unknown,
    /// duplicate or mistyped setting); the rules are checked afterwards, by the caller or by validation.
    /// </summary>
    internal static void Bind(ColumnCryptoOptions options, string yaml, string source, string? baseDirectory, SettingSchema schema,
        Func<string, string?>? getEnvironmentVariable)
    {
        var origin = new YamlSettingOrigin(source, getEnvironmentVariable ?? Environment.GetEnvironmentVariable);
        SettingsBinder.Bind(options, schema, origin, YamlConfigReader.Read(yaml, source), baseDirectory);
    }

    private static ColumnCryptoOptions Load(string yaml, string source, string? baseDirectory, IEnumerable<IColumnCryptoPlugin> plugins,
        Func<string, string?>? getEnvironmentVariable)
    {
        var schema = SettingSchema.For(plugins);
        var options = new ColumnCryptoOptions();
        Bind(options, yaml, source, baseDirectory, schema, getEnvironmentVariable);

        // Rules that span settings run on the finished options; report the earliest in the file first.
        var origin = options.Origin!;
        var first = ColumnCryptoOptionsRules.Check(options, schema)
            .Select(problem => (problem, line: origin.LineOf(problem.Setting)))
            .OrderBy(p => p.line ?? int.MaxValue)
            .FirstOrDefault();
        if (first.problem is not null)
        {
            throw origin.ToException(first.problem, first.line);
        }

        return options;
    }
}
