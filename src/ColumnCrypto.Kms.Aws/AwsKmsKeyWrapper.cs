using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.Logging;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Wraps data keys with an AWS KMS key: KMS Encrypt of the locally generated data key, and Decrypt to unwrap. Only
/// kms:Encrypt and kms:Decrypt are needed, the two actions of the documented IAM policy. Each call carries the
/// encryption context of the key row (<see cref="AwsKmsEncryptionContext"/>), so a wrapped key moved to another row
/// fails to unwrap, and Decrypt names the expected KMS key, so a row cannot point the application at a key it did
/// not choose. Retries of transient failures are the SDK's (configured in <see cref="AwsKmsClientFactory"/>).
/// Caching is the caller's: the core unwraps each key version once per process.
/// </summary>
internal sealed class AwsKmsKeyWrapper : IKeyWrapper, IDisposable
{
    public const string ProviderName = "awsKms";
    private const string EncryptOperation = "Encrypt";
    private const string DecryptOperation = "Decrypt";

    private readonly AwsKmsKeyLocation _location;
    private readonly AwsKmsMetrics _metrics;
    private readonly AwsKmsErrors _errors;
    private readonly ILogger _logger;

    public AwsKmsKeyWrapper(IAmazonKeyManagementService client, AwsKmsKeyLocation location, AwsKmsMetrics metrics, AwsKmsErrors errors, ILogger logger)
    {
        Client = client;
        _location = location;
        _metrics = metrics;
        _errors = errors;
        _logger = logger;
    }

    public string Provider => ProviderName;

    /// <summary>The key id as configured (key id, ARN or alias); stored in the key table.</summary>
    public string KeyId => _location.KeyId;

    /// <summary>The KMS client this wrapper calls (for tests and diagnostics).</summary>
    internal IAmazonKeyManagementService Client { get; }

    internal AwsKmsKeyLocation Location => _location;

    /// <summary>
    /// Any KMS key this client's region can use, not only the configured one: after keyId changes, data keys wrapped by
    /// the previous key stay readable (given kms:Decrypt on it) until they are rewrapped. Which keys the application may
    /// use at all is the IAM policy's decision.
    /// </summary>
    public bool CanUnwrap(string provider, string keyId) =>
        string.Equals(provider, ProviderName, StringComparison.Ordinal) && !string.IsNullOrEmpty(keyId) && _location.IsReachable(keyId);

    public async Task<byte[]> WrapAsync(ReadOnlyMemory<byte> dataKey, KeyWrapContext context, CancellationToken cancellationToken)
    {
        var plaintext = dataKey.ToArray();
        try
        {
            var request = new EncryptRequest
            {
                KeyId = KeyId,
                Plaintext = new MemoryStream(plaintext, writable: false),
                EncryptionContext = AwsKmsEncryptionContext.For(context),
            };
            var response = await CallAsync(EncryptOperation, KeyId, context, ct => Client.EncryptAsync(request, ct), cancellationToken).ConfigureAwait(false);
            return response.CiphertextBlob?.ToArray() is { Length: > 0 } wrapped
                ? wrapped
                : throw new ColumnCryptoKeyException($"AWS KMS Encrypt of data key version {context.KeyVersion} with {_location} returned no ciphertext.", context.KeyVersion);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrappedKey, string keyId, KeyWrapContext context, CancellationToken cancellationToken)
    {
        var request = new DecryptRequest
        {
            KeyId = keyId,
            CiphertextBlob = new MemoryStream(wrappedKey.ToArray(), writable: false),
            EncryptionContext = AwsKmsEncryptionContext.For(context),
        };
        var response = await CallAsync(DecryptOperation, keyId, context, ct => Client.DecryptAsync(request, ct), cancellationToken).ConfigureAwait(false);
        using var stream = response.Plaintext
            ?? throw new ColumnCryptoKeyException($"AWS KMS Decrypt of data key version {context.KeyVersion} with {_location.Describe(keyId)} returned no plaintext.", context.KeyVersion);
        var key = stream.ToArray();

        // The response buffer holds the data key too: zero it rather than leave it to the GC.
        if (stream.TryGetBuffer(out var buffer))
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan());
        }

        return key;
    }

    /// <summary>Times and counts one KMS call, and turns its failure into a <see cref="ColumnCryptoKeyException"/>.</summary>
    private async Task<T> CallAsync<T>(string operation, string keyId, KeyWrapContext context, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var activity = AwsKmsActivitySource.Start(operation, keyId, context.KeyVersion);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call(cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            _metrics.Record(operation, AwsKmsMetrics.Success, elapsed);
            AwsKmsLog.CallSucceeded(_logger, operation, context.KeyVersion, keyId, elapsed.TotalMilliseconds);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _metrics.Record(operation, "canceled", Stopwatch.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, "canceled");
            throw;
        }
        catch (Exception e) when (e is not ColumnCryptoException)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var outcome = AwsKmsErrors.Outcome(e);
            _metrics.Record(operation, outcome, elapsed);
            AwsKmsLog.CallFailed(_logger, operation, context.KeyVersion, keyId, _location.Region, elapsed.TotalMilliseconds, outcome);
            var failure = _errors.ToKeyException(operation, keyId, context, e);
            activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity?.SetTag("error.type", outcome);
            throw failure;
        }
    }

    public void Dispose() => Client.Dispose();

    /// <summary>Names the key and region only.</summary>
    public override string ToString() => $"AwsKmsKeyWrapper({_location})";
}
