using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws.Tests.Infrastructure;

namespace ColumnCrypto.Kms.Aws.Tests;

/// <summary>
/// The two <c>plugins.awsKms</c> snippets of the product documentation ("Manage Encryption Keys", steps 2 and "Adding
/// Credentials in the KMS Configuration"), copied verbatim: as they are, their placeholders are configuration errors
/// that say to replace them; with the placeholders filled in and <c>serviceUrl</c> pointing at the emulator, they drive
/// the KMS wrapper.
/// </summary>
[Collection(UsesKmsEmulator.Name)]
public sealed class DocumentedConfigurationTests(KmsEmulator kms)
{
    private const string IamRoleSnippet = """
        plugins:
          awsKms:
            plugin: 'awsKms'
            isKms: true
            keyId: <your key id>
            region: <your aws region>
        """;

    private const string ExplicitCredentialsSnippet = """
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

    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly IColumnCryptoPlugin[] Plugins = [AwsKmsPlugin.Instance];

    [Fact]
    public void The_documented_snippets_as_written_are_configuration_errors_that_say_to_replace_the_placeholders()
    {
        var iamRole = Assert.Throws<ColumnCryptoConfigurationException>(() => ColumnCryptoYaml.Parse(IamRoleSnippet, "iam-role.yaml", Plugins, _ => null));
        var explicitCredentials = Assert.Throws<ColumnCryptoConfigurationException>(() =>
            ColumnCryptoYaml.Parse(ExplicitCredentialsSnippet.Replace("<your key id>", "alias/app", StringComparison.Ordinal)
                .Replace("<your aws region>", "eu-west-1", StringComparison.Ordinal), "explicit-credentials.yaml", Plugins, _ => null));

        Assert.Equal(("iam-role.yaml", 5, "plugins.awsKms.keyId"), (iamRole.Source, iamRole.Line, iamRole.Setting));
        Assert.Contains("plugins.awsKms.keyId is still the documentation's placeholder '<your key id>': replace it with a KMS key id", iamRole.Message, StringComparison.Ordinal);
        Assert.Equal(("plugins.awsKms.extraKmsConfig.credentials.accessKeyId", 9), (explicitCredentials.Setting, explicitCredentials.Line));
        Assert.Contains("is still the documentation's placeholder '<your access key id>'", explicitCredentials.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documented_IAM_role_snippet_drives_the_KMS_wrapper()
    {
        var key = await kms.CreateKeyAsync();
        var options = ColumnCryptoYaml.Parse(FillIn(IamRoleSnippet, key.KeyId), "iam-role.yaml", Plugins, _ => null);

        using var host = HostFrom(options);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var stored = host.Encryptor.Encrypt(Email, "configured from the documentation");

        Assert.Equal("configured from the documentation", host.Encryptor.Decrypt<string>(Email, stored));
        Assert.Equal(("awsKms", key.KeyId), Single(host));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("the AWS SDK default credential chain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_documented_credentials_snippet_drives_the_KMS_wrapper_with_secrets_from_environment_references()
    {
        var key = await kms.CreateKeyAsync();
        var yaml = FillIn(ExplicitCredentialsSnippet, key.KeyId)
            .Replace("<your access key id>", "${APP_AWS_ACCESS_KEY_ID}", StringComparison.Ordinal)
            .Replace("<your secret access key>", "${APP_AWS_SECRET_ACCESS_KEY}", StringComparison.Ordinal)
            .Replace("<your session token>", "${APP_AWS_SESSION_TOKEN}", StringComparison.Ordinal);
        var environment = new Dictionary<string, string>
        {
            ["APP_AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEFROMENV",
            ["APP_AWS_SECRET_ACCESS_KEY"] = "secret-from-the-environment",
            ["APP_AWS_SESSION_TOKEN"] = "token-from-the-environment",
        };
        var options = ColumnCryptoYaml.Parse(yaml, "explicit-credentials.yaml", Plugins, name => environment.GetValueOrDefault(name));

        using var host = HostFrom(options);
        await host.Keys.InitializeAsync(CancellationToken.None);
        var stored = host.Encryptor.Encrypt(Email, "with explicit credentials");

        Assert.Equal("secret-from-the-environment", Kms(options).ExtraKmsConfig!.Credentials!.SecretAccessKey!.Reveal());
        Assert.Equal("with explicit credentials", host.Encryptor.Decrypt<string>(Email, stored));
        Assert.Equal(("awsKms", key.KeyId), Single(host));
        var warning = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 3002);
        Assert.Contains("take the values from ${AWS_SECRET_ACCESS_KEY} references", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_documented_snippet_without_region_fails_naming_the_setting_and_line()
    {
        var yaml = string.Join('\n', IamRoleSnippet.Replace("<your key id>", "alias/app", StringComparison.Ordinal)
            .Split('\n').Where(line => !line.Contains("region:", StringComparison.Ordinal)));

        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => ColumnCryptoYaml.Parse(yaml, "no-region.yaml", Plugins, _ => null));

        Assert.Equal("plugins.awsKms.region", error.Setting);
        Assert.NotNull(error.Line);
        Assert.Contains("no-region.yaml", error.Message, StringComparison.Ordinal);
    }

    private string FillIn(string snippet, string keyId) =>
        snippet.Replace("<your key id>", keyId, StringComparison.Ordinal)
            .Replace("    region: <your aws region>", $"    region: {KmsEmulator.Region}\n    serviceUrl: {kms.Url}", StringComparison.Ordinal);

    private static KmsTestHost HostFrom(ColumnCryptoOptions loaded) => KmsTestHost.Create(o =>
    {
        o.Plugins = loaded.Plugins;
        o.Schedule = loaded.Schedule;
        o.Source = loaded.Source;
        o.MasterKey.EnvironmentVariable = KmsTestHost.UnsetMasterKeyVariable;
    });

    private static AwsKmsOptions Kms(ColumnCryptoOptions options) =>
        Assert.IsType<AwsKmsOptions>(options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName));

    private static (string, string) Single(KmsTestHost host)
    {
        var row = Assert.Single(host.Store.ReadAsync(CancellationToken.None).GetAwaiter().GetResult().Rows);
        return (row.WrappingProvider, row.WrappingKeyId);
    }
}
