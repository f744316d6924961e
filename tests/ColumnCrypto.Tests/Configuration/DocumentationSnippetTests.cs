using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>
/// The YAML shown in the product documentation loads exactly as written once its placeholders are replaced; a
/// placeholder left in place is a configuration error that names the setting and its line and says to replace it.
/// </summary>
public sealed class DocumentationSnippetTests
{
    // Copied verbatim from "2 - Configure AWS KMS on the App Settings Page".
    internal const string KmsSnippet = """
        plugins:
          awsKms:
            plugin: 'awsKms'
            isKms: true
            keyId: <your key id>
            region: <your aws region>
        """;

    // Copied verbatim from "Adding Credentials in the KMS Configuration (not recommended)".
    internal const string CredentialsSnippet = """
        plugins:
          awsKms:
            plugin: awsKms
            isKms: true
            keyId: <your key id>
            region: <your aws region>
            extraKmsConfig:
              credentials:
                accessKeyId: <your access key id>
                secretAccessKey: <your secret access key>
                sessionToken: <your session token>
        """;

    // Copied verbatim from "Optional: Define Rollover Schedule".
    internal const string ScheduleSnippet = """
        schedule:
          dataKeyRollOverLength: 365
        """;

    /// <summary>The documentation's placeholders, each with a real value of its setting.</summary>
    internal static readonly (string Placeholder, string Setting, string Value)[] Placeholders =
    [
        ("<your key id>", "plugins.awsKms.keyId", "alias/app"),
        ("<your aws region>", "plugins.awsKms.region", "eu-west-1"),
        ("<your access key id>", "plugins.awsKms.extraKmsConfig.credentials.accessKeyId", "AKIAEXAMPLE"),
        ("<your secret access key>", "plugins.awsKms.extraKmsConfig.credentials.secretAccessKey", "secret-example"),
        ("<your session token>", "plugins.awsKms.extraKmsConfig.credentials.sessionToken", "token-example"),
    ];

    /// <summary>A snippet with every placeholder replaced by a real value, as a user fills it in.</summary>
    internal static string Filled(string snippet) =>
        Placeholders.Aggregate(snippet, (text, p) => text.Replace(p.Placeholder, p.Value, StringComparison.Ordinal));

    [Fact]
    public void Kms_snippet_as_written_is_a_configuration_error_asking_to_replace_its_first_placeholder()
    {
        var error = LoadError(KmsSnippet);

        AssertLocation(error, 5, "plugins.awsKms.keyId");
        Assert.Equal(
            "columncrypto.yaml:5: plugins.awsKms.keyId is still the documentation's placeholder '<your key id>': replace it with " +
            "a KMS key id, key ARN or alias. Set it to the KMS key that wraps data keys, for example alias/column-crypto.",
            error.Message);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 6)]
    [InlineData(2, 9)]
    [InlineData(3, 10)]
    [InlineData(4, 11)]
    public void Each_placeholder_left_in_the_credentials_snippet_is_named_with_its_line(int index, int line)
    {
        var (placeholder, setting, _) = Placeholders[index];
        var yaml = Filled(CredentialsSnippet.Replace(placeholder, "\u0000", StringComparison.Ordinal)).Replace("\u0000", placeholder, StringComparison.Ordinal);

        var error = LoadError(yaml);

        AssertLocation(error, line, setting);
        Assert.Contains($"{setting} is still the documentation's placeholder", error.Message, StringComparison.Ordinal);
        Assert.Contains("replace it with", error.Message, StringComparison.Ordinal);
        Assert.Equal(setting.EndsWith("Key", StringComparison.Ordinal) || setting.EndsWith("Token", StringComparison.Ordinal),
            error.Message.Contains("([redacted])", StringComparison.Ordinal));
    }

    [Fact]
    public void Kms_snippet_with_quoted_plugin_loads_verbatim_once_its_placeholders_are_replaced()
    {
        var options = Load(Filled(KmsSnippet));

        var kms = Assert.IsType<AwsKmsOptions>(ActiveKms(options));
        Assert.Equal("awsKms", kms.Plugin);
        Assert.True(kms.IsKms);
        Assert.Equal("alias/app", kms.KeyId);
        Assert.Equal("eu-west-1", kms.Region);
        Assert.Null(kms.ServiceUrl);
        Assert.Null(kms.ExtraKmsConfig);
    }

    [Fact]
    public void Documentation_snippet_with_credentials_loads_verbatim_once_its_placeholders_are_replaced()
    {
        var options = Load(Filled(CredentialsSnippet));

        var kms = Assert.IsType<AwsKmsOptions>(ActiveKms(options));
        Assert.Equal("awsKms", kms.Plugin);
        var credentials = kms.ExtraKmsConfig?.Credentials;
        Assert.NotNull(credentials);
        Assert.Equal("AKIAEXAMPLE", credentials.AccessKeyId);
        Assert.Equal("secret-example", credentials.SecretAccessKey?.Reveal());
        Assert.Equal("token-example", credentials.SessionToken?.Reveal());
    }

    [Fact]
    public void Credentials_snippet_indented_as_in_the_documentation_list_still_loads()
    {
        // In the documentation the snippet sits inside a numbered list, three spaces in.
        var indented = string.Join('\n', Filled(CredentialsSnippet).Split('\n').Select(line => "   " + line));

        var options = Load(indented);

        Assert.Equal("token-example", ActiveKms(options)?.ExtraKmsConfig?.Credentials?.SessionToken?.Reveal());
    }

    [Fact]
    public void Schedule_snippet_loads_verbatim()
    {
        var options = Load(ScheduleSnippet);

        Assert.Equal(365, options.Schedule.DataKeyRollOverLength);
        Assert.Null(ActiveKms(options));
    }

    [Theory]
    [InlineData(KmsSnippet)]
    [InlineData(CredentialsSnippet)]
    public void Plugin_snippet_and_schedule_snippet_load_combined_in_one_file(string pluginSnippet)
    {
        var options = Load(Filled(pluginSnippet) + "\n" + ScheduleSnippet.Replace("365", "30", StringComparison.Ordinal));

        Assert.Equal(30, options.Schedule.DataKeyRollOverLength);
        Assert.Equal("alias/app", ActiveKms(options)?.KeyId);
    }

    [Theory]
    [InlineData("plugin: 'awsKms'")]
    [InlineData("plugin: \"awsKms\"")]
    [InlineData("plugin: awsKms")]
    public void Quoted_and_plain_plugin_values_are_the_same(string pluginLine)
    {
        var options = Load($"""
            plugins:
              awsKms:
                {pluginLine}
                isKms: true
                keyId: alias/app
                region: eu-west-1
            """);

        Assert.Equal("awsKms", ActiveKms(options)?.Plugin);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\n  \n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void Empty_or_whitespace_yaml_yields_the_defaults(string yaml)
    {
        var options = Load(yaml);

        Assert.Equal(ScheduleOptions.DefaultDataKeyRollOverLength, options.Schedule.DataKeyRollOverLength);
        Assert.Equal(60, options.Schedule.RollOverCheckInterval);
        Assert.Equal(1L << 31, options.Schedule.MaxEncryptionsPerKey);
        Assert.Null(AwsKms(options));
        Assert.Null(options.MasterKey.File);
        Assert.Equal(MasterKeyOptions.DefaultEnvironmentVariable, options.MasterKey.EnvironmentVariable);
        Assert.Equal(SourceName, options.Source);
    }

    [Fact]
    public void Every_known_setting_loads_into_its_option()
    {
        var options = Load("""
            schedule:
              dataKeyRollOverLength: 90
              rollOverCheckInterval: 15
              maxEncryptionsPerKey: 4294967296
            plugins:
              awsKms:
                plugin: awsKms
                isKms: true
                keyId: arn:aws:kms:eu-west-1:111122223333:key/abc
                region: eu-west-1
                serviceUrl: http://localhost:4566
            masterKey:
              file: /etc/columncrypto/master.key
              environmentVariable: APP_MASTER_KEY
            """);

        Assert.Equal(90, options.Schedule.DataKeyRollOverLength);
        Assert.Equal(15, options.Schedule.RollOverCheckInterval);
        Assert.Equal(1L << 32, options.Schedule.MaxEncryptionsPerKey);
        Assert.Equal("arn:aws:kms:eu-west-1:111122223333:key/abc", ActiveKms(options)?.KeyId);
        Assert.Equal("http://localhost:4566", ActiveKms(options)?.ServiceUrl);
        Assert.Equal("/etc/columncrypto/master.key", options.MasterKey.File);
        Assert.Equal("APP_MASTER_KEY", options.MasterKey.EnvironmentVariable);
    }

    [Fact]
    public void Aws_kms_with_isKms_false_leaves_data_keys_to_the_master_key()
    {
        var options = Load("""
            plugins:
              awsKms:
                plugin: awsKms
                isKms: false
            """);

        Assert.NotNull(AwsKms(options));
        Assert.Null(ActiveKms(options));
    }

    [Fact]
    public void Empty_sections_keep_their_defaults()
    {
        var options = Load("""
            schedule:
            plugins:
            masterKey:
            """);

        Assert.Equal(365, options.Schedule.DataKeyRollOverLength);
        Assert.Null(AwsKms(options));
    }

    [Fact]
    public void Anchors_and_aliases_are_followed()
    {
        var options = Load("""
            schedule:
              dataKeyRollOverLength: &days 30
              rollOverCheckInterval: *days
            """);

        Assert.Equal(30, options.Schedule.RollOverCheckInterval);
    }
}
