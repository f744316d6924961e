using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ColumnCrypto.Kms.Aws.Tests.Infrastructure;

/// <summary>
/// A TCP relay in front of the emulator that injects network faults, so failures can be made to end and attempts can
/// be counted. Down: connections are refused and open ones closed, as when KMS is unreachable; back: the same emulator
/// (with the same keys) answers again on the same address. It can also spoil the next connections, by resetting them or
/// by answering as KMS does when it throttles. The emulator closes each connection after its response, so every
/// connection is one HTTP attempt: <see cref="Attempts"/> counts the SDK's retries too.
/// </summary>
internal sealed class KmsFaultProxy : IDisposable
{
    private static readonly byte[] ThrottlingResponse = Encoding.ASCII.GetBytes(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: fault-proxy\r\n" +
        "Connection: close\r\nContent-Length: 62\r\n\r\n" +
        "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded....\"}");

    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly Lock _lock = new();
    private TcpListener? _listener;
    private int _faultsLeft;
    private Fault _fault;
    private int _attempts;

    public enum Fault
    {
        /// <summary>Close the connection without an answer (a dropped connection).</summary>
        Reset,

        /// <summary>Answer 400 ThrottlingException, as KMS does above the request quota.</summary>
        Throttle,
    }

    public KmsFaultProxy(string targetUrl)
    {
        var uri = new Uri(targetUrl);
        _target = new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
        Port = MotoServer.FreePort();
        ComeBack();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Connections accepted so far (attempts, including spoiled ones).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Spoils the next <paramref name="count"/> connections with <paramref name="fault"/>.</summary>
    public void FailNext(int count, Fault fault)
    {
        _fault = fault;
        Volatile.Write(ref _faultsLeft, count);
    }

    public void GoDown()
    {
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
        }

        foreach (var client in _open.Keys)
        {
            client.Close();
        }
    }

    public void ComeBack()
    {
        lock (_lock)
        {
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _ = AcceptAsync(listener);
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            Interlocked.Increment(ref _attempts);
            _ = Interlocked.Decrement(ref _faultsLeft) >= 0 ? SpoilAsync(client, _fault) : RelayAsync(client);
        }
    }

    private static async Task SpoilAsync(TcpClient client, Fault fault)
    {
        using (client)
        {
            try
            {
                if (fault == Fault.Throttle)
                {
                    var stream = client.GetStream();
                    await ReadRequestAsync(stream);
                    await stream.WriteAsync(ThrottlingResponse);
                }
                else
                {
                    client.LingerState = new LingerOption(true, 0); // RST, not a polite close
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // The client gave up first.
            }
        }
    }

    /// <summary>Reads one HTTP request (headers, then Content-Length bytes of body), so the answer comes after it.</summary>
    private static async Task ReadRequestAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        var headers = Encoding.ASCII.GetString([.. received.Take(headerEnd)]);
        var length = headers.Split("\r\n")
            .Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var body = received.Count - (headerEnd + 4);
        while (body < length)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            body += read;
        }
    }

    private static int IndexOfHeaderEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        _open[client] = 0;
        _open[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_target);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The outage closed it, or a side hung up.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            client.Dispose();
        }
    }

    public void Dispose() => GoDown();
}
