using System.Net.Sockets;
using Amazon.Runtime;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Turns what the AWS SDK throws (after its own retries) into a <see cref="ColumnCryptoKeyException"/> that names the
/// operation, data key version, KMS key, region and endpoint, says what went wrong and how to fix it. The SDK's own
/// message is kept for detail, with any configured credential value cut out; when it contained one, the SDK
/// exception is not attached either, so logging the exception cannot leak it.
/// </summary>
internal sealed class AwsKmsErrors
{
    private const string Redacted = "[redacted]";
    private readonly AwsKmsKeyLocation _location;
    private readonly string[] _secrets;

    /// <param name="location">The configured key, region and endpoint.</param>
    /// <param name="credentialValues">The explicit credential values, if any, which must never appear in a message.</param>
    public AwsKmsErrors(AwsKmsKeyLocation location, IEnumerable<string?> credentialValues)
    {
        _location = location;
        _secrets = [.. credentialValues.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];
    }

    /// <summary>The metrics and log outcome of a failed call: the AWS error code, or what kind of failure it was.</summary>
    public static string Outcome(Exception exception) => exception switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } => code,
        AmazonServiceException service => $"http-{(int)service.StatusCode}",
        OperationCanceledException => "timeout",
        _ when IsNetworkFailure(exception) => "unreachable",
        _ => "client-error",
    };

    public ColumnCryptoKeyException ToKeyException(string operation, string keyId, KeyWrapContext context, Exception exception)
    {
        var (what, fix, transient) = Explain(operation, keyId, context, exception);
        var detail = Scrub(exception.Message);

        // Any credential value anywhere in the SDK exception (message, inner exceptions) keeps it out of ours.
        var leaked = _secrets.Any(secret => exception.ToString().Contains(secret, StringComparison.Ordinal));
        var message =
            $"AWS KMS {operation} of data key version {context.KeyVersion} with {_location.Describe(keyId)} failed: {what} " +
            $"({Outcome(exception)}{(string.IsNullOrWhiteSpace(detail) ? string.Empty : ": " + detail.TrimEnd('.'))}). {fix}";
        return new ColumnCryptoKeyException(message, context.KeyVersion, leaked ? null : exception) { IsTransient = transient };
    }

    /// <summary>What went wrong, how to fix it, and whether it is transient (KMS unreachable or failing: retry later).</summary>
    private (string What, string Fix, bool Transient) Explain(string operation, string keyId, KeyWrapContext context, Exception exception)
    {
        var code = (exception as AmazonServiceException)?.ErrorCode;
        switch (code)
        {
            case "NotFoundException" or "InvalidArnException":
                return ("the key does not exist there",
                    "Check plugins.awsKms.keyId (key id, key ARN, alias/NAME or alias ARN) and plugins.awsKms.region: a KMS key lives in exactly one " +
                    "region and account, and the credentials in use must belong to (or be granted by) that account.", false);
            case "DisabledException":
                return ("the key is disabled",
                    $"Enable it ('aws kms enable-key --key-id {keyId} --region {_location.Region}'). Until then no data key it wraps can be " +
                    "loaded and no new data key can be created; processes that already hold their data keys keep working.", false);
            case "KMSInvalidStateException":
                return ("the key is not usable in its current state (for example pending deletion or pending import)",
                    "If it is pending deletion, cancel the deletion ('aws kms cancel-key-deletion') and enable it: once it is deleted, every data key " +
                    "it wrapped, and every value encrypted under those, is lost.", false);
            case "InvalidCiphertextException":
                return ($"KMS did not accept the wrapped key as one produced by this key for data key version {context.KeyVersion} " +
                        $"(encryption context {AwsKmsEncryptionContext.KeyVersionKey}={context.KeyVersion})",
                    "The key row was altered, or its wrapped key was copied from another row. Restore the data key table from a backup; " +
                    "no new data key is created while keys cannot be read.", false);
            case "IncorrectKeyException":
                return ("the wrapped key was encrypted under a different KMS key",
                    "If keyId is an alias, it was probably re-pointed to another key: point it back (or configure the key that wrapped the data keys), " +
                    "then move the data keys with a rewrap. Prefer KMS automatic key rotation, which keeps the key id.", false);
            case "InvalidKeyUsageException":
                return ("the key cannot encrypt and decrypt",
                    "Configure a symmetric encryption key (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT).", false);
            case "AccessDeniedException" or "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException"
                or "InvalidClientTokenId" or "IncompleteSignature" or "MissingAuthenticationToken":
                return ($"the credentials in use may not call kms:{operation} on this key",
                    "Allow kms:Encrypt and kms:Decrypt on the key's ARN for the IAM role the application runs as (see docs/aws-kms.md), check the " +
                    "key policy, and check which credentials the AWS SDK picked up (profile, environment, expired session token).", false);
        }

        if (exception is AmazonServiceException service && (code is "ThrottlingException" or "KMSInternalException" or "DependencyTimeoutException"
                or "KeyUnavailableException" || (int)service.StatusCode >= 500))
        {
            return ("AWS KMS kept failing after the SDK's retries", TransientFix, true);
        }

        if (exception is OperationCanceledException)
        {
            return ("the call timed out after the SDK's retries", TransientFix, true);
        }

        if (IsNetworkFailure(exception))
        {
            return ($"AWS KMS could not be reached at {_location.Endpoint} after the SDK's retries", TransientFix, true);
        }

        if (exception is AmazonServiceException)
        {
            return ("AWS KMS refused the call", "Check the key, region and IAM permissions named above.", false);
        }

        return ("the AWS SDK could not make the call",
            "If no credentials were found: run under an IAM role (EC2 instance profile, EKS service account), or give the AWS SDK credentials " +
            "through its standard environment variables or profile; see docs/aws-kms.md.", false);
    }

    private string TransientFix =>
        $"Check network access to {_location.Endpoint} (security groups, VPC endpoint, proxy) and the AWS service health. Processes that " +
        "already hold their data keys keep encrypting and decrypting; loading or creating data keys fails until KMS answers, and a due " +
        "rollover is retried later.";

    private static bool IsNetworkFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException or IOException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        return text;
    }
}
