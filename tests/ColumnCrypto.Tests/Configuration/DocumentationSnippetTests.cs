using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws;
using static ColumnCrypto.Tests.Configuration.ConfigurationTestSupport;

namespace ColumnCrypto.Tests.Configuration;

/// <summary>The YAML shown in the product documentation loads exactly as written.</summary>
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

    [Fact]
    public void Kms_snippet_with_quoted_plugin_loads_verbatim()
    {
        var options = Load(KmsSnippet);

        var kms = Assert.IsType<AwsKmsOptions>(ActiveKms(options));
        Assert.Equal("awsKms", kms.Plugin);
        Assert.True(kms.IsKms);
        Assert.Equal("<your key id>", kms.KeyId);
        Assert.Equal("<your aws region>", kms.Region);
        Assert.Null(kms.ServiceUrl);
        Assert.Null(kms.ExtraKmsConfig);
    }

    [Fact]
    public void Documentation_snippet_with_credentials_loads_verbatim()
    {
        var options = Load(CredentialsSnippet);

        var kms = Assert.IsType<AwsKmsOptions>(ActiveKms(options));
        Assert.Equal("awsKms", kms.Plugin);
        var credentials = kms.ExtraKmsConfig?.Credentials;
        Assert.NotNull(credentials);
        Assert.Equal("<your access key id>", credentials.AccessKeyId);
        Assert.Equal("<your secret access key>", credentials.SecretAccessKey?.Reveal());
        Assert.Equal("<your session token>", credentials.SessionToken?.Reveal());
    }

    [Fact]
    public void Credentials_snippet_indented_as_in_the_documentation_list_still_loads()
    {
        // In the documentation the snippet sits inside a numbered list, three spaces in.
        var indented = string.Join('\n', CredentialsSnippet.Split('\n').Select(line => "   " + line));

        var options = Load(indented);

        Assert.Equal("<your session token>", ActiveKms(options)?.ExtraKmsConfig?.Credentials?.SessionToken?.Reveal());
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
        var options = Load(pluginSnippet + "\n" + ScheduleSnippet.Replace("365", "30", StringComparison.Ordinal));

        Assert.Equal(30, options.Schedule.DataKeyRollOverLength);
        Assert.Equal("<your key id>", ActiveKms(options)?.KeyId);
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
