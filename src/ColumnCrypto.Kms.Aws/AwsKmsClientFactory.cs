using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Builds the KMS client from <c>plugins.awsKms</c>. Retries are the SDK's own: standard mode (exponential backoff with
/// full jitter, capped, and a retry quota that stops retry storms) for throttling, 5xx and network errors, never for
/// errors like AccessDenied or NotFound. Timeouts keep a dead endpoint from hanging start-up.
/// </summary>
internal static class AwsKmsClientFactory
{
    /// <summary>Retries after the first attempt for retryable errors (throttling, 5xx, timeouts, refused connections).</summary>
    public const int MaxErrorRetry = 3;

    /// <summary>
    /// Immediate retries of a connection reset or broken pipe, which the SDK does not count against
    /// <see cref="MaxErrorRetry"/> (they usually mean a pooled connection went stale). The SDK's default, 10, would let
    /// a resetting endpoint take 14 attempts per call; 3 keeps the worst case at 7.
    /// </summary>
    public const int MaxStaleConnectionRetries = 3;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static AmazonKeyManagementServiceConfig CreateConfig(AwsKmsOptions kms, Action<AmazonKeyManagementServiceConfig>? configure)
    {
        var config = new AmazonKeyManagementServiceConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = MaxErrorRetry,
            MaxStaleConnectionRetries = MaxStaleConnectionRetries,
            Timeout = Timeout,
            ConnectTimeout = ConnectTimeout,
        };

        if (!string.IsNullOrWhiteSpace(kms.ServiceUrl))
        {
            // An endpoint override (VPC endpoint, emulator) does not name the region, so signing is told it.
            config.ServiceURL = kms.ServiceUrl;
            config.AuthenticationRegion = kms.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(kms.Region);
        }

        configure?.Invoke(config);
        return config;
    }

    /// <summary>
    /// The client: with explicit credentials when <c>extraKmsConfig.credentials</c> is set, otherwise with no
    /// credentials given, so the SDK's default chain finds them (environment, profile, EC2 instance role, EKS web
    /// identity or Pod Identity) and refreshes temporary ones itself.
    /// </summary>
    public static AmazonKeyManagementServiceClient CreateClient(AwsKmsOptions kms, AmazonKeyManagementServiceConfig config) =>
        ExplicitCredentials(kms) is { } credentials
            ? new AwsKmsServiceClient(credentials, config)
            : new AwsKmsServiceClient(config);

    public static bool HasExplicitCredentials(AwsKmsOptions kms) => kms.ExtraKmsConfig?.Credentials is { } c && !string.IsNullOrWhiteSpace(c.AccessKeyId);

    /// <summary>The explicit credential values, so error messages can be checked for them.</summary>
    public static IEnumerable<string?> CredentialValues(AwsKmsOptions kms)
    {
        var c = kms.ExtraKmsConfig?.Credentials;
        return [c?.AccessKeyId, c?.SecretAccessKey?.Reveal(), c?.SessionToken?.Reveal()];
    }

    private static AWSCredentials? ExplicitCredentials(AwsKmsOptions kms)
    {
        if (!HasExplicitCredentials(kms))
        {
            return null;
        }

        var c = kms.ExtraKmsConfig!.Credentials!;
        var secret = c.SecretAccessKey?.Reveal() ?? string.Empty;
        var token = c.SessionToken?.Reveal();
        return string.IsNullOrEmpty(token)
            ? new BasicAWSCredentials(c.AccessKeyId, secret)
            : new SessionAWSCredentials(c.AccessKeyId, secret, token);
    }
}
