using System.Security.Cryptography;
using ColumnCrypto.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.Benchmarks;

/// <summary>A random 256-bit master key in a temporary file (base64), deleted on dispose.</summary>
public sealed class TempMasterKey : IDisposable
{
    public TempMasterKey()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"columncrypto-bench-{Guid.NewGuid():N}.key");
        File.WriteAllText(Path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}

/// <summary>A database-free ColumnCrypto instance (in-memory key table, local master key), wired as a user would.</summary>
public sealed class StandaloneEncryptor : IDisposable
{
    private readonly TempMasterKey _masterKey = new();
    private readonly ServiceProvider _services;

    public StandaloneEncryptor()
    {
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = _masterKey.Path)
            .UseDataKeyStore(new InMemoryDataKeyStore())
            .WithoutHostedService();
        _services = services.BuildServiceProvider();
        _services.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        Encryptor = _services.GetRequiredService<ColumnEncryptor>();
    }

    public ColumnEncryptor Encryptor { get; }

    public void Dispose()
    {
        _services.Dispose();
        _masterKey.Dispose();
    }
}

/// <summary>Facts about the machine, for every results file.</summary>
public static class MachineInfo
{
    public static string Markdown()
    {
        var memory = ReadFirst("/proc/meminfo", "MemTotal:") is { } kb && long.TryParse(kb.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], out var k)
            ? $"{k / 1024.0 / 1024.0:F1} GiB"
            : "unknown";
        var cpu = ReadFirst("/proc/cpuinfo", "model name") is { } m ? m.TrimStart(':', ' ', '\t') : System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        return string.Join('\n',
            "| machine | |",
            "| --- | --- |",
            $"| CPU | {cpu} |",
            $"| cores (logical) | {Environment.ProcessorCount} |",
            $"| memory | {memory} |",
            $"| OS | {OsName()} ({System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}) |",
            $"| .NET | {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription} |",
            $"| AES-NI / PCLMUL | {System.Runtime.Intrinsics.X86.Aes.IsSupported} / {System.Runtime.Intrinsics.X86.Pclmulqdq.IsSupported} |",
            $"| date (UTC) | {DateTime.UtcNow:yyyy-MM-dd HH:mm} |");
    }

    private static string OsName() =>
        ReadFirst("/etc/os-release", "PRETTY_NAME=") is { } name ? name.Trim('"') : System.Runtime.InteropServices.RuntimeInformation.OSDescription;

    private static string? ReadFirst(string file, string prefix)
    {
        try
        {
            return File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line ? line[prefix.Length..].Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
