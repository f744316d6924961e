using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ColumnCrypto.Testing;

/// <summary>
/// A moto KMS emulator process on a free loopback port, started by a test and killed (by its own process) on dispose.
/// Either plain <c>moto_server</c>, or the launcher that also enforces key state (see moto_kms_enforcing_key_state.py).
/// </summary>
public sealed class MotoServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private MotoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
    }

    public int Port { get; }

    public string Url { get; }

    /// <summary>Plain moto_server, as scripts/test.sh starts it.</summary>
    public static MotoServer Start() => Start("moto_server", []);

    /// <summary>moto with the AWS rule that a disabled key refuses Encrypt and Decrypt.</summary>
    public static MotoServer StartEnforcingKeyState() =>
        Start("python3", [Path.Combine(AppContext.BaseDirectory, "moto_kms_enforcing_key_state.py")]);

    private static MotoServer Start(string program, string[] arguments)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Concat(["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Cannot start the KMS emulator ('{program}'): {e.Message}. Install moto ('pip install \"moto[server]\"') or set " +
                "COLUMNCRYPTO_TEST_KMS_URL to a running one (scripts/test.sh does both).", e);
        }

        var server = new MotoServer(process, port);

        // moto logs every request; the pipes are drained so it never blocks on a full one (the tail helps diagnose).
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        server.WaitUntilListening();
        return server;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 50)
            {
                _output.Dequeue();
            }
        }
    }

    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The KMS emulator exited at start-up (code {_process.ExitCode}): {Tail()}");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        Stop();
        throw new InvalidOperationException($"The KMS emulator did not listen on port {Port} within {StartTimeout.TotalSeconds} s: {Tail()}");
    }

    private string Tail()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public bool IsRunning => !_process.HasExited;

    /// <summary>Kills this emulator (only the process this instance started) and waits for it to exit.</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
