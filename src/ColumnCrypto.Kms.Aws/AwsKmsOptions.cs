using System.Text.Json.Serialization;
using ColumnCrypto.Configuration;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// AWS KMS settings, exactly as the product documentation shows them (<c>plugins.awsKms</c>). Bound from the YAML file
/// or <c>IConfiguration</c> (<c>ColumnCrypto:plugins:awsKms:keyId</c>), or set in code with
/// <c>AddAwsKms(kms =&gt; ...)</c>; found in <see cref="ColumnCryptoOptions.Plugins"/> under <see cref="SectionName"/>.
/// </summary>
public sealed class AwsKmsOptions : ColumnCryptoPluginOptions
{
    /// <summary>The plugin's section name under <c>plugins:</c>, and its <c>plugin</c> value.</summary>
    public const string SectionName = "awsKms";

    /// <summary>The KMS key: key id, key ARN, alias name or alias ARN (<c>keyId</c>).</summary>
    public string? KeyId { get; set; }

    /// <summary>The AWS region, for example <c>us-east-1</c> (<c>region</c>).</summary>
    public string? Region { get; set; }

    /// <summary>An endpoint override, for VPC endpoints or a KMS emulator (<c>serviceUrl</c>). Optional.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Extra client configuration (<c>extraKmsConfig</c>). Optional.</summary>
    public ExtraKmsConfigOptions? ExtraKmsConfig { get; set; }
}

/// <summary>Extra AWS KMS client configuration (<c>plugins.awsKms.extraKmsConfig</c>).</summary>
public sealed class ExtraKmsConfigOptions
{
    /// <summary>
    /// Explicit credentials (<c>extraKmsConfig.credentials</c>). Not recommended: prefer an IAM role and the
    /// AWS SDK's default credential chain. Use <c>${ENV_VAR}</c> references to keep secrets out of the file.
    /// </summary>
    public AwsCredentialsOptions? Credentials { get; set; }
}

/// <summary>
/// Explicit AWS credentials. None of the three values is ever shown: <see cref="ToString"/> and JSON serialization
/// write <c>[redacted]</c> for each one that is set.
/// </summary>
public sealed class AwsCredentialsOptions
{
    /// <summary>The access key id (<c>accessKeyId</c>). Not a secret by AWS's definition, but never logged or serialized either.</summary>
    [JsonConverter(typeof(RedactedTextJsonConverter))]
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (<c>secretAccessKey</c>). Never logged or shown.</summary>
    public SecretValue? SecretAccessKey { get; set; }

    /// <summary>The session token (<c>sessionToken</c>), for temporary credentials. Never logged or shown.</summary>
    public SecretValue? SessionToken { get; set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"AwsCredentials {{ AccessKeyId = {(AccessKeyId is null ? "" : SecretValue.Redacted)}, SecretAccessKey = {SecretAccessKey}, SessionToken = {SessionToken} }}";
}
