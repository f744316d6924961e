using System.Diagnostics;
using ColumnCrypto.Diagnostics;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// The AWS KMS wrapper's spans, on ColumnCrypto's activity source (<see cref="ColumnCryptoTelemetry.ActivitySourceName"/>):
/// one client span per KMS call (<c>columncrypto.key.wrap</c> for Encrypt, <c>columncrypto.key.unwrap</c> for Decrypt),
/// tagged with the data key version, the KMS key id and the operation, after OpenTelemetry's RPC conventions.
/// </summary>
internal static class AwsKmsActivitySource
{
    private static readonly ActivitySource Source = new(ColumnCryptoTelemetry.ActivitySourceName);

    public static Activity? Start(string operation, string keyId, int version) =>
        Source.StartActivity(operation == "Encrypt" ? "columncrypto.key.wrap" : "columncrypto.key.unwrap", ActivityKind.Client)?
            .SetTag(ColumnCryptoTelemetry.WrappingProviderTag, AwsKmsKeyWrapper.ProviderName)
            .SetTag(ColumnCryptoTelemetry.WrappingKeyIdTag, keyId)
            .SetTag(ColumnCryptoTelemetry.KeyVersionTag, version)
            .SetTag("rpc.system", "aws-api")
            .SetTag("rpc.service", "KMS")
            .SetTag("rpc.method", operation);
}
