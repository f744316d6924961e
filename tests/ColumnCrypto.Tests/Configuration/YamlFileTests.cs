using ColumnCrypto.Configuration;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>Loading from a file: its path in messages and <c>Source</c>, and paths relative to its folder.</summary>
public sealed class YamlFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void File_with_the_documentation_snippets_filled_in_loads_and_records_its_source()
    {
        var file = _folder.Write("columncrypto.yaml",
            DocumentationSnippetTests.Filled(DocumentationSnippetTests.CredentialsSnippet) + "\n" + DocumentationSnippetTests.ScheduleSnippet);

        var options = ColumnCryptoYaml.LoadFile(file, Plugins);

        Assert.Equal(Path.GetFullPath(file), options.Source);
        Assert.Equal(365, options.Schedule.DataKeyRollOverLength);
        Assert.Equal("secret-example", ActiveKms(options)?.ExtraKmsConfig?.Credentials?.SecretAccessKey?.Reveal());
    }

    [Fact]
    public void Missing_file_names_its_path()
    {
        var file = Path.Combine(_folder.Path, "missing.yaml");

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => ColumnCryptoYaml.LoadFile(file, Plugins));

        Assert.Equal(file, error.Source);
        Assert.Null(error.Line);
        Assert.StartsWith($"{file}: the ColumnCrypto configuration file does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_folder_is_reported_like_a_missing_file()
    {
        var file = Path.Combine(_folder.Path, "nope", "columncrypto.yaml");

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => ColumnCryptoYaml.LoadFile(file, Plugins));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_in_a_file_name_its_full_path_and_line()
    {
        var file = _folder.Write("app.yaml", "schedule:\n  dataKeyRollOverLength: 0\n");

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => ColumnCryptoYaml.LoadFile(file, Plugins));

        Assert.Equal(file, error.Source);
        Assert.Equal(2, error.Line);
        Assert.StartsWith($"{file}:2: schedule.dataKeyRollOverLength", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_master_key_file_is_resolved_against_the_yaml_folder()
    {
        var file = _folder.Write("columncrypto.yaml", "masterKey:\n  file: keys/master.key\n");

        var options = ColumnCryptoYaml.LoadFile(file, Plugins);

        Assert.Equal(Path.Combine(_folder.Path, "keys", "master.key"), options.MasterKey.File);
    }

    [Fact]
    public void Absolute_master_key_file_is_kept()
    {
        var keyFile = Path.Combine(_folder.Path, "elsewhere", "master.key");
        var file = _folder.Write("columncrypto.yaml", $"masterKey:\n  file: '{keyFile}'\n");

        var options = ColumnCryptoYaml.LoadFile(file, Plugins);

        Assert.Equal(keyFile, options.MasterKey.File);
    }

    [Fact]
    public void Parse_keeps_a_relative_master_key_file_and_the_given_source_name()
    {
        var options = ColumnCryptoYaml.Parse("masterKey:\n  file: master.key\n", "inline-config", Plugins, _ => null);

        Assert.Equal("master.key", options.MasterKey.File);
        Assert.Equal("inline-config", options.Source);
    }

    [Fact]
    public void LoadFile_expands_references_through_the_given_lookup()
    {
        var file = _folder.Write("columncrypto.yaml", "masterKey:\n  environmentVariable: ${KEY_VAR}\n");

        var options = ColumnCryptoYaml.LoadFile(file, Plugins, name => name == "KEY_VAR" ? "APP_KEY" : null);

        Assert.Equal("APP_KEY", options.MasterKey.EnvironmentVariable);
    }

    [Fact]
    public void File_with_a_byte_order_mark_loads()
    {
        var file = Path.Combine(_folder.Path, "bom.yaml");
        File.WriteAllText(file, "schedule:\n  dataKeyRollOverLength: 7\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal(7, ColumnCryptoYaml.LoadFile(file, Plugins).Schedule.DataKeyRollOverLength);
    }
}
