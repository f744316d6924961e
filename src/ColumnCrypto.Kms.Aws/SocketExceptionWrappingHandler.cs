using System.Net.Http;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Sits just inside the SDK's retry handler and turns a bare <see cref="SocketException"/> into the
/// <see cref="HttpRequestException"/> that HttpClient throws for every other connection failure. Why: when a connection
/// is reset right after it is opened, the .NET connection pool can let a bare <c>SocketException</c> ("Transport endpoint
/// is not connected", thrown while it reads the peer's address) escape unwrapped, and the SDK's retry policy does not
/// count that as a network error, so the call failed at once instead of being retried like any other dropped connection.
/// </summary>
internal sealed class SocketExceptionWrappingHandler : PipelineHandler
{
    public override void InvokeSync(IExecutionContext executionContext)
    {
        try
        {
            base.InvokeSync(executionContext);
        }
        catch (SocketException e)
        {
            throw Wrap(e);
        }
    }

    public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        try
        {
            return await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw Wrap(e);
        }
    }

    private static HttpRequestException Wrap(SocketException e) =>
        new(HttpRequestError.ConnectionError, $"{e.Message} (connection to AWS KMS failed)", e);
}
