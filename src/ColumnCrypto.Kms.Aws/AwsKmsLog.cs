using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Kms.Aws;

/// <summary>Log messages of the AWS KMS plugin, with stable event ids. None carries credentials or key material.</summary>
internal static partial class AwsKmsLog
{
    public const string Category = "ColumnCrypto.Kms.Aws";

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Data keys are wrapped by AWS KMS key '{KeyId}' in region '{Region}' ({Endpoint}); credentials from {CredentialSource}.")]
    public static partial void WrapperCreated(ILogger logger, string keyId, string region, string endpoint, string credentialSource);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "plugins.awsKms.extraKmsConfig.credentials holds explicit AWS credentials (values not shown). This is not recommended: " +
                  "use an IAM role (EC2 instance profile, EKS service account) and remove extraKmsConfig; if you must keep them, " +
                  "take the values from {Reference} references rather than writing them in the file.")]
    private static partial void ExplicitCredentials(ILogger logger, string reference);

    // A template without placeholders is logged verbatim (its '{{' not unescaped), so the example is a value.
    public static void ExplicitCredentials(ILogger logger) => ExplicitCredentials(logger, "${AWS_SECRET_ACCESS_KEY}");

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "AWS KMS {Operation} for data key version {KeyVersion} with key '{KeyId}' in region '{Region}' failed after {ElapsedMs:F0} ms: {Outcome}.")]
    public static partial void CallFailed(ILogger logger, string operation, int keyVersion, string keyId, string region, double elapsedMs, string outcome);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug,
        Message = "AWS KMS {Operation} for data key version {KeyVersion} with key '{KeyId}' took {ElapsedMs:F1} ms.")]
    public static partial void CallSucceeded(ILogger logger, string operation, int keyVersion, string keyId, double elapsedMs);
}
