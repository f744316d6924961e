using System.Net.Sockets;
using Amazon.Runtime;

namespace ColumnCrypto.Kms.Aws.Tests.Infrastructure;

/// <summary>
/// Gives the SDK an HttpClient whose first sends fail the way the .NET connection pool fails when a connection is reset
/// right after it opens: a bare <see cref="SocketException"/> (ENOTCONN), not wrapped in an HttpRequestException. Later
/// sends go to the real emulator. The race that produces it on a real network cannot be provoked on demand; its
/// exception can.
/// </summary>
internal sealed class SocketFaultHttpClientFactory(int failures) : HttpClientFactory
{
    private int _failuresLeft = failures;
    private int _sends;

    /// <summary>Requests the SDK sent through this factory's clients, failed ones included.</summary>
    public int Sends => Volatile.Read(ref _sends);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new FaultingHandler(this));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    private sealed class FaultingHandler(SocketFaultHttpClientFactory factory) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref factory._sends);
            return Interlocked.Decrement(ref factory._failuresLeft) >= 0
                ? throw new SocketException((int)SocketError.NotConnected)
                : base.SendAsync(request, cancellationToken);
        }
    }
}
