using ColumnCrypto.Configuration;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>Shared entry points for the configuration specifications.</summary>
internal static class ConfigurationTestSupport
{
    public const string SourceName = "columncrypto.yaml";

    private static readonly Dictionary<string, string> NoVariables = new();

    public static ColumnCryptoOptions Load(string yaml, IReadOnlyDictionary<string, string>? variables = null) =>
        ColumnCryptoYaml.Parse(yaml, SourceName, Lookup(variables ?? NoVariables));

    public static ColumnCryptoConfigurationException LoadError(string yaml, IReadOnlyDictionary<string, string>? variables = null) =>
        Assert.Throws<ColumnCryptoConfigurationException>(() => Load(yaml, variables));

    public static Func<string, string?> Lookup(IReadOnlyDictionary<string, string> variables) =>
        name => variables.TryGetValue(name, out var value) ? value : null;

    /// <summary>Asserts the exception's location properties and that its message starts with "file:line:".</summary>
    public static void AssertLocation(ColumnCryptoConfigurationException error, int line, string? setting)
    {
        Assert.Equal(SourceName, error.Source);
        Assert.Equal(line, error.Line);
        Assert.Equal(setting, error.Setting);
        Assert.StartsWith($"{SourceName}:{line}: ", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>A temporary folder for configuration files, deleted on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "columncrypto-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string fileName, string content)
    {
        var file = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
