using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// The SDK's KMS client with one change to its pipeline, <see cref="SocketExceptionWrappingHandler"/> just inside the
/// retry handler, so every dropped connection gets the SDK's standard retries. Customizing the pipeline is the SDK's own
/// extension point; everything else (signing, retries, endpoints, credentials) is the SDK's.
/// </summary>
internal sealed class AwsKmsServiceClient : AmazonKeyManagementServiceClient
{
    public AwsKmsServiceClient(AmazonKeyManagementServiceConfig config)
        : base(config)
    {
    }

    public AwsKmsServiceClient(AWSCredentials credentials, AmazonKeyManagementServiceConfig config)
        : base(credentials, config)
    {
    }

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerAfter<RetryHandler>(new SocketExceptionWrappingHandler());
    }
}
