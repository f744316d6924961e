using ColumnCrypto.Configuration;

namespace ColumnCrypto.Kms.Aws;

/// <summary>The settings of <c>plugins.awsKms</c> besides the core's <c>plugin</c> and <c>isKms</c>: paths relative to the section.</summary>
internal static class AwsKmsSettingTable
{
    public static ColumnCryptoSettings<AwsKmsOptions> Settings { get; } = new ColumnCryptoSettings<AwsKmsOptions>()
        .Text("keyId", "a KMS key id, key ARN or alias",
            "Set it to the KMS key that wraps data keys, for example alias/column-crypto.",
            o => o.KeyId, (o, v) => o.KeyId = v)
        .Text("region", "an AWS region name",
            "Set it to the region of the KMS key, for example us-east-1.",
            o => o.Region, (o, v) => o.Region = v)
        .Text("serviceUrl", "an absolute http or https URL",
            "Set it to the KMS endpoint, for example https://kms.us-east-1.amazonaws.com, or remove it to use the region's endpoint.",
            o => o.ServiceUrl, (o, v) => o.ServiceUrl = v, v => v is null || IsHttpUrl(v))
        .Text("extraKmsConfig.credentials.accessKeyId", "an AWS access key id",
            "Set it to the access key id, or remove the credentials to use an IAM role.",
            o => o.ExtraKmsConfig?.Credentials?.AccessKeyId, (o, v) => Credentials(o).AccessKeyId = v)
        .Secret("extraKmsConfig.credentials.secretAccessKey", "a single text value",
            "Set it to the secret access key, preferably as ${AWS_SECRET_ACCESS_KEY}, or remove the credentials to use an IAM role.",
            o => o.ExtraKmsConfig?.Credentials?.SecretAccessKey, (o, v) => Credentials(o).SecretAccessKey = v)
        .Secret("extraKmsConfig.credentials.sessionToken", "a single text value",
            "Set it to the session token of temporary credentials, preferably as ${AWS_SESSION_TOKEN}, or remove it.",
            o => o.ExtraKmsConfig?.Credentials?.SessionToken, (o, v) => Credentials(o).SessionToken = v);

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static AwsCredentialsOptions Credentials(AwsKmsOptions options) =>
        (options.ExtraKmsConfig ??= new ExtraKmsConfigOptions()).Credentials ??= new AwsCredentialsOptions();
}
