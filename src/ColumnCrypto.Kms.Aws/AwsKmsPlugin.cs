using ColumnCrypto.Configuration;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// The <c>awsKms</c> plugin's definition: the section <c>plugins.awsKms</c>, its settings and rules, and the AWS KMS
/// key wrapper. <c>AddAwsKms()</c> registers it; pass <see cref="Instance"/> to <see cref="ColumnCryptoYaml"/> to read
/// a file with an <c>awsKms</c> section without dependency injection.
/// </summary>
public sealed class AwsKmsPlugin : ColumnCryptoPlugin<AwsKmsOptions>
{
    private AwsKmsPlugin()
        : base(AwsKmsOptions.SectionName)
    {
    }

    /// <summary>The plugin (it holds no state: the clients belong to each container's wrapper factory).</summary>
    public static AwsKmsPlugin Instance { get; } = new();

    /// <inheritdoc />
    public override ColumnCryptoSettings<AwsKmsOptions> Settings => AwsKmsSettingTable.Settings;

    /// <inheritdoc />
    protected override void CheckRules(AwsKmsOptions options, ConfigurationProblems problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        CheckKms(options, problems);
        CheckCredentials(options.ExtraKmsConfig?.Credentials, problems);
    }

    /// <inheritdoc />
    protected override IKeyWrapper CreateKeyWrapper(AwsKmsOptions options, IServiceProvider services) =>
        services.GetRequiredService<AwsKmsKeyWrapperFactory>().Create(options, services);

    private static void CheckKms(AwsKmsOptions kms, ConfigurationProblems problems)
    {
        if (!kms.IsKms)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(kms.KeyId))
        {
            problems.Add("keyId",
                $"{problems.Name("keyId")} is missing or empty, but {problems.Name("isKms")} is true. " +
                "Set it to the KMS key that wraps data keys (key id, key ARN or alias, for example alias/column-crypto).");
        }

        if (string.IsNullOrWhiteSpace(kms.Region))
        {
            problems.Add("region",
                $"{problems.Name("region")} is missing or empty, but {problems.Name("isKms")} is true. " +
                "Set it to the region of the KMS key, for example us-east-1.");
        }
    }

    // Half a key pair would make the AWS SDK fail at the first KMS call; say so at startup instead.
    private static void CheckCredentials(AwsCredentialsOptions? credentials, ConfigurationProblems problems)
    {
        if (credentials is null)
        {
            return;
        }

        const string Credentials = "extraKmsConfig.credentials";
        var hasAccessKeyId = !string.IsNullOrWhiteSpace(credentials.AccessKeyId);
        var hasSecretAccessKey = credentials.SecretAccessKey is { } secret && !string.IsNullOrWhiteSpace(secret.Reveal());
        const string Fix = "Set both accessKeyId and secretAccessKey, or remove the credentials to use an IAM role.";
        if (hasAccessKeyId && !hasSecretAccessKey)
        {
            problems.Add($"{Credentials}.secretAccessKey",
                $"{problems.Name($"{Credentials}.secretAccessKey")} is missing or empty, but accessKeyId is set. {Fix}");
        }
        else if (!hasAccessKeyId && (hasSecretAccessKey || credentials.SessionToken is not null))
        {
            problems.Add($"{Credentials}.accessKeyId",
                $"{problems.Name($"{Credentials}.accessKeyId")} is missing or empty, but {(hasSecretAccessKey ? "secretAccessKey" : "sessionToken")} is set. {Fix}");
        }
    }
}
