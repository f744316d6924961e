using ColumnCrypto.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>The <c>cipher</c> setting: <c>auto</c> (default), <c>libsodium</c> or <c>platform</c> (the FIPS switch).</summary>
public sealed class CipherSettingTests
{
    [Fact]
    public void The_default_is_auto()
    {
        Assert.Equal(CipherBackend.Auto, Load(string.Empty).Cipher);
        Assert.Equal(CipherBackend.Auto, new ColumnCryptoOptions().Cipher);
    }

    [Theory]
    [InlineData("auto", CipherBackend.Auto)]
    [InlineData("libsodium", CipherBackend.Libsodium)]
    [InlineData("platform", CipherBackend.Platform)]
    [InlineData("'platform'", CipherBackend.Platform)]
    public void Each_value_loads_from_yaml(string value, CipherBackend expected) =>
        Assert.Equal(expected, Load($"cipher: {value}\n").Cipher);

    [Theory]
    [InlineData("fips")]
    [InlineData("2")]
    [InlineData("openssl")]
    public void Another_value_names_the_file_line_setting_and_the_allowed_values(string value)
    {
        var error = LoadError($"""
            schedule:
              dataKeyRollOverLength: 30
            cipher: {value}
            """);

        AssertLocation(error, 3, "cipher");
        Assert.Contains($"cipher must be one of 'auto', 'libsodium', 'platform', but is '{value}'. Set it to auto", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelled_name_gets_a_suggestion()
    {
        var error = LoadError("cypher: platform\n");

        AssertLocation(error, 1, "cypher");
        Assert.Contains("Did you mean 'cipher'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_keys_bind_without_regard_to_case_as_IConfiguration_does()
    {
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ColumnCrypto:Cipher"] = "Platform" })
            .Build();
        var services = new ServiceCollection();
        services.AddColumnCrypto(root.GetSection(ColumnCryptoOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(CipherBackend.Platform, provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value.Cipher);
    }

    [Fact]
    public void A_wrong_configuration_value_names_the_configuration_key()
    {
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ColumnCrypto:cipher"] = "fast" })
            .Build();
        var services = new ServiceCollection();
        services.AddColumnCrypto(root.GetSection(ColumnCryptoOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => provider.GetRequiredService<IOptions<ColumnCryptoOptions>>().Value);

        Assert.Equal("ColumnCrypto:cipher", error.Setting);
        Assert.Contains(": ColumnCrypto:cipher must be one of 'auto', 'libsodium', 'platform', but is 'fast'. Set it to auto", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_built_in_code_are_validated_with_the_same_rule()
    {
        var options = new ColumnCryptoOptions { Cipher = (CipherBackend)7 };

        var result = new ColumnCryptoOptionsValidator(Plugins).Validate(null, options);

        Assert.StartsWith("cipher must be one of 'auto', 'libsodium', 'platform', but is '7'.", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
