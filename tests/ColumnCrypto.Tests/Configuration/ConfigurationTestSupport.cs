using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>Shared entry points for the configuration specifications.</summary>
internal static class ConfigurationTestSupport
{
    public const string SourceName = "columncrypto.yaml";

    private static readonly Dictionary<string, string> NoVariables = new();

    /// <summary>The plugins the specifications' files may configure: AWS KMS, as the documentation does.</summary>
    public static IColumnCryptoPlugin[] Plugins { get; } = [AwsKmsPlugin.Instance];

    public static ColumnCryptoOptions Load(string yaml, IReadOnlyDictionary<string, string>? variables = null) =>
        ColumnCryptoYaml.Parse(yaml, SourceName, Plugins, Lookup(variables ?? NoVariables));

    /// <summary>The <c>plugins.awsKms</c> section, or null.</summary>
    public static AwsKmsOptions? AwsKms(ColumnCryptoOptions options) => options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName);

    /// <summary>The <c>plugins.awsKms</c> section when it wraps the data keys (<c>isKms: true</c>), or null.</summary>
    public static AwsKmsOptions? ActiveKms(ColumnCryptoOptions options) => AwsKms(options) is { IsKms: true } kms ? kms : null;

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
