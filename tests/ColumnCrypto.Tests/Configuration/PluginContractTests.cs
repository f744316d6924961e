using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Keys;
using ColumnCrypto.Kms.Aws;
using ColumnCrypto.Tests.Support;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>
/// The core knows plugins only through <see cref="IColumnCryptoPlugin"/>: a plugin's section binds with its own
/// settings and rules, errors name the file, line and setting, one plugin at most is the KMS, a section without a
/// registered plugin says how to register one, and the KMS plugin's wrapper is made from its own options.
/// </summary>
public sealed class PluginContractTests : IDisposable
{
    private const string TestKms = """
        plugins:
          testKms:
            plugin: testKms
            isKms: true
            vault: payments
            connection:
              port: 9000
        """;

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_plugins_section_binds_into_its_own_options_type()
    {
        var options = LoadWith(TestKms);

        var test = Assert.IsType<TestKmsOptions>(options.Plugins.Find<TestKmsOptions>(TestKmsPlugin.SectionName));
        Assert.Equal(("testKms", true, "payments", 9000), (test.Plugin, test.IsKms, test.Vault, test.Port));
        Assert.Null(options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName));
    }

    [Fact]
    public void A_plugin_setting_of_the_wrong_type_names_file_line_and_setting()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => LoadWith(TestKms.Replace("port: 9000", "port: lots", StringComparison.Ordinal)));

        AssertLocation(error, 7, "plugins.testKms.connection.port");
        Assert.Equal(
            "columncrypto.yaml:7: plugins.testKms.connection.port must be a port number from 1 to 65535, but is 'lots'. Set it to the vault's port (default 8200).",
            error.Message);
    }

    [Fact]
    public void A_plugin_settings_own_rule_is_checked_with_file_and_line()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => LoadWith(TestKms.Replace("port: 9000", "port: 0", StringComparison.Ordinal)));

        AssertLocation(error, 7, "plugins.testKms.connection.port");
        Assert.Contains("but is '0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugins_cross_setting_rule_is_reported_at_the_sections_line()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => LoadWith(TestKms.Replace("    vault: payments\n", "", StringComparison.Ordinal)));

        AssertLocation(error, 2, "plugins.testKms.vault");
        Assert.Contains("plugins.testKms.vault is missing, but plugins.testKms.isKms is true.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelled_plugin_setting_gets_a_suggestion_from_the_plugins_settings()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => LoadWith(TestKms.Replace("vault:", "vualt:", StringComparison.Ordinal)));

        AssertLocation(error, 5, "plugins.testKms.vualt");
        Assert.Contains("Did you mean 'vault'? Allowed under 'plugins.testKms': plugin, isKms, vault, connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plugin_value_must_be_the_sections_own_name()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => LoadWith(TestKms.Replace("plugin: testKms", "plugin: awsKms", StringComparison.Ordinal)));

        AssertLocation(error, 3, "plugins.testKms.plugin");
        Assert.Contains("plugins.testKms.plugin must be 'testKms', but is 'awsKms'. Write 'plugin: testKms', the name of its section.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_plugins_that_are_both_the_kms_are_an_error()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(() =>
            LoadWith(YamlErrorTests.ValidKms + "\n  testKms:\n    plugin: testKms\n    isKms: true\n    vault: payments\n"));

        AssertLocation(error, 9, "plugins.testKms.isKms");
        Assert.Contains("plugins.testKms.isKms and plugins.awsKms.isKms are both true, but one key management service wraps the data keys.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_whose_plugin_is_not_registered_says_how_to_register_it_when_the_host_starts()
    {
        var file = _folder.Write("columncrypto.yaml", "schedule:\n  dataKeyRollOverLength: 30\nplugins:\n  awsKms:\n    isKms: true\n");
        var services = new ServiceCollection();
        services.AddColumnCrypto(file).UseDataKeyStore(new InMemoryDataKeyStore());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value);

        Assert.Equal((file, 4, "plugins.awsKms"), (error.Source, error.Line, error.Setting));
        Assert.StartsWith($"{file}:4: plugins.awsKms: no ColumnCrypto plugin named 'awsKms' is registered. To use it, add the plugin's package " +
                          "and call its registration method, by convention .AddAwsKms(), on the builder AddColumnCrypto returns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_built_in_code_for_an_unregistered_plugin_fail_validation()
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.Plugins.GetOrAdd<TestKmsOptions>(TestKmsPlugin.SectionName).Vault = "payments");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value);

        Assert.Equal("plugins.testKms: no ColumnCrypto plugin named 'testKms' is registered.", Assert.Single(error.Failures).Split(" To use it")[0]);
        Assert.Contains("by convention .AddTestKms()", error.Message, StringComparison.Ordinal);
        Assert.Contains("Registered plugins: none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kms_plugins_wrapper_is_made_from_its_own_options_and_an_available_master_key_stays_second()
    {
        using var masterKey = MasterKeyFile.Random();
        var plugin = new TestKmsPlugin();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o =>
            {
                var test = o.Plugins.GetOrAdd<TestKmsOptions>(TestKmsPlugin.SectionName);
                (test.Plugin, test.IsKms, test.Vault) = ("testKms", true, "payments");
                o.MasterKey.File = masterKey.Path;
            })
            .AddPlugin(plugin)
            .UseDataKeyStore(new InMemoryDataKeyStore())
            .WithoutHostedService();
        using var provider = services.BuildServiceProvider();

        var wrappers = provider.GetRequiredService<KeyWrapperSet>();

        Assert.Equal(("testKms", "payments"), (wrappers.Primary.Provider, wrappers.Primary.KeyId));
        Assert.Same(provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Plugins.Find<TestKmsOptions>(TestKmsPlugin.SectionName),
            Assert.Single(plugin.WrappersCreatedFrom));
        Assert.Equal([LocalMasterKeyWrapper.ProviderName], wrappers.All.Skip(1).Select(w => w.Provider));
    }

    [Fact]
    public void A_plugin_that_is_not_the_kms_leaves_the_data_keys_to_the_master_key()
    {
        using var masterKey = MasterKeyFile.Random();
        var plugin = new TestKmsPlugin();
        var services = new ServiceCollection();
        services.AddColumnCrypto(o =>
            {
                o.Plugins.GetOrAdd<TestKmsOptions>(TestKmsPlugin.SectionName).Vault = "payments";
                o.MasterKey.File = masterKey.Path;
            })
            .AddPlugin(plugin)
            .UseDataKeyStore(new InMemoryDataKeyStore());
        using var provider = services.BuildServiceProvider();

        var wrappers = provider.GetRequiredService<KeyWrapperSet>();

        Assert.Equal(LocalMasterKeyWrapper.ProviderName, Assert.Single(wrappers.All).Provider);
        Assert.Empty(plugin.WrappersCreatedFrom);
    }

    [Fact]
    public void AddAwsKms_with_options_configures_the_plugin_in_code_after_the_file()
    {
        var file = _folder.Write("columncrypto.yaml", "plugins:\n  awsKms:\n    region: eu-west-1\n");
        var services = new ServiceCollection();
        services.AddColumnCrypto(file).AddAwsKms(kms =>
        {
            kms.IsKms = true;
            kms.KeyId = "alias/app";
        });
        using var provider = services.BuildServiceProvider();

        var kms = provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName)!;

        Assert.Equal(("awsKms", true, "alias/app", "eu-west-1"), (kms.Plugin, kms.IsKms, kms.KeyId, kms.Region));
    }

    [Fact]
    public void Two_different_plugins_with_one_name_are_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ColumnCryptoYaml.Parse("", SourceName, [AwsKmsPlugin.Instance, new TestKmsPlugin(AwsKmsOptions.SectionName)]));

        Assert.Contains("Two ColumnCrypto plugins named 'awsKms' are registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plugin_options_of_another_type_under_a_name_are_refused()
    {
        var options = new ColumnCryptoOptions();
        options.Plugins.GetOrAdd<TestKmsOptions>(AwsKmsOptions.SectionName);

        var error = Assert.Throws<InvalidOperationException>(() => options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName));

        Assert.Contains("plugins.awsKms holds TestKmsOptions, not AwsKmsOptions", error.Message, StringComparison.Ordinal);
    }

    private static ColumnCryptoOptions LoadWith(string yaml) =>
        ColumnCryptoYaml.Parse(yaml, SourceName, [AwsKmsPlugin.Instance, new TestKmsPlugin()], _ => null);
}
