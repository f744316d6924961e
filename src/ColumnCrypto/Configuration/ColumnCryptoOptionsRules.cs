namespace ColumnCrypto.Configuration;

/// <summary>
/// The rules a complete <see cref="ColumnCryptoOptions"/> must meet, whether it was loaded from YAML or built in code:
/// each setting's own rule from <see cref="ColumnCryptoSettingTable"/>, then the rules that span settings.
/// </summary>
internal static class ColumnCryptoOptionsRules
{
    private const string AwsKms = "plugins.awsKms";
    private const string Credentials = AwsKms + ".extraKmsConfig.credentials";

    /// <summary>Every problem with <paramref name="options"/>, in table order; empty when the options are valid.</summary>
    public static IReadOnlyList<ConfigurationProblem> Check(ColumnCryptoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<ConfigurationProblem>();
        foreach (var setting in ColumnCryptoSettingTable.Settings)
        {
            if (setting.Check(options) is { } problem)
            {
                problems.Add(problem);
            }
        }

        CheckKms(options.Plugins.AwsKms, problems);
        CheckCredentials(options.Plugins.AwsKms?.ExtraKmsConfig?.Credentials, problems);
        return problems;
    }

    private static void CheckKms(AwsKmsOptions? kms, List<ConfigurationProblem> problems)
    {
        if (kms is not { IsKms: true })
        {
            return;
        }

        if (kms.Plugin is null)
        {
            problems.Add(new($"{AwsKms}.plugin",
                $"{AwsKms}.plugin is missing, but {AwsKms}.isKms is true. " +
                $"Add 'plugin: {ColumnCryptoSettingTable.AwsKmsPluginName}' under {AwsKms}, as in the documentation."));
        }

        if (string.IsNullOrWhiteSpace(kms.KeyId))
        {
            problems.Add(new($"{AwsKms}.keyId",
                $"{AwsKms}.keyId is missing or empty, but {AwsKms}.isKms is true. " +
                "Set it to the KMS key that wraps data keys (key id, key ARN or alias, for example alias/column-crypto)."));
        }

        if (string.IsNullOrWhiteSpace(kms.Region))
        {
            problems.Add(new($"{AwsKms}.region",
                $"{AwsKms}.region is missing or empty, but {AwsKms}.isKms is true. " +
                "Set it to the region of the KMS key, for example us-east-1."));
        }
    }

    // Half a key pair would make the AWS SDK fail at the first KMS call; say so at startup instead.
    private static void CheckCredentials(AwsCredentialsOptions? credentials, List<ConfigurationProblem> problems)
    {
        if (credentials is null)
        {
            return;
        }

        var hasAccessKeyId = !string.IsNullOrWhiteSpace(credentials.AccessKeyId);
        var hasSecretAccessKey = credentials.SecretAccessKey is { } secret && !string.IsNullOrWhiteSpace(secret.Reveal());
        const string Fix = "Set both accessKeyId and secretAccessKey, or remove the credentials to use an IAM role.";
        if (hasAccessKeyId && !hasSecretAccessKey)
        {
            problems.Add(new($"{Credentials}.secretAccessKey",
                $"{Credentials}.secretAccessKey is missing or empty, but accessKeyId is set. {Fix}"));
        }
        else if (!hasAccessKeyId && (hasSecretAccessKey || credentials.SessionToken is not null))
        {
            problems.Add(new($"{Credentials}.accessKeyId",
                $"{Credentials}.accessKeyId is missing or empty, but {(hasSecretAccessKey ? "secretAccessKey" : "sessionToken")} is set. {Fix}"));
        }
    }
}
