using System.Security.Cryptography;
using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using ColumnCrypto.Search;
using ColumnCrypto.Search.Keys;
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

/// <summary>A database-free ColumnCrypto instance (in-memory key table, local master key, blind-index keys when given), wired as a user would.</summary>
public sealed class StandaloneEncryptor : IDisposable
{
    private readonly TempMasterKey _masterKey = new();
    private readonly ServiceProvider _services;

    public StandaloneEncryptor(CipherBackend cipher = CipherBackend.Auto, InMemoryBlindIndexKeys? blindIndexKeys = null)
    {
        var services = new ServiceCollection();
        var crypto = services.AddColumnCrypto(o =>
            {
                o.MasterKey.File = _masterKey.Path;
                o.Cipher = cipher;
            })
            .UseDataKeyStore(new InMemoryDataKeyStore())
            .WithoutHostedService();
        if (blindIndexKeys is not null)
        {
            crypto.UseBlindIndexKeys(blindIndexKeys);
        }

        _services = services.BuildServiceProvider();
        _services.GetRequiredService<IDataKeyManager>().InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        Encryptor = _services.GetRequiredService<ColumnEncryptor>();
    }

    public ColumnEncryptor Encryptor { get; }

    /// <summary>The instance's services (for <c>UseColumnEncryption</c> and <see cref="Search.BlindIndex"/>).</summary>
    public IServiceProvider Services => _services;

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
            $"| platform AES-GCM | {ColumnCrypto.Cryptography.PlatformCipherBackend.Instance.Implementation} |",
            $"| libsodium / NSec.Cryptography | {LibsodiumVersion()} / {typeof(NSec.Cryptography.Key).Assembly.GetName().Version?.ToString(3)} |",
            $"| lscpu | {Lscpu()} |",
            $"| date (UTC) | {DateTime.UtcNow:yyyy-MM-dd HH:mm} |");
    }

    /// <summary>What <c>uptime</c> prints (time, up time, load averages over 1, 5 and 15 minutes): the machine's load.</summary>
    public static string Uptime() =>
        Run("uptime") is { } text ? string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : "load average " + File.ReadAllText("/proc/loadavg").Trim();

    private static string LibsodiumVersion()
    {
        try
        {
            return System.Runtime.InteropServices.Marshal.PtrToStringAnsi(NativeMethods.SodiumVersionString()) ?? "unknown";
        }
        catch (DllNotFoundException)
        {
            return "not loadable";
        }
    }

    /// <summary>The lines of <c>lscpu</c> that say what the CPU is and how it is shared (model, CPUs, threads per core, hypervisor, caches, AES flags).</summary>
    private static string Lscpu()
    {
        if (Run("lscpu") is not { } output)
        {
            return "lscpu not available";
        }

        var lines = output.Split('\n');
        string[] wanted = ["Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "Hypervisor vendor", "Virtualization type", "L2 cache", "L3 cache"];
        var picked = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && wanted.Contains(p[0].Trim()))
            .Select(p => $"{p[0].Trim()}: {string.Join(' ', p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))}");
        var flags = lines.FirstOrDefault(l => l.StartsWith("Flags:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return string.Join("; ", picked.Append($"flags aes: {flags.Contains("aes")}, pclmulqdq: {flags.Contains("pclmulqdq")}, avx2: {flags.Contains("avx2")}"));
    }

    /// <summary>What a command prints, trimmed; null when it cannot be run.</summary>
    private static string? Run(string command)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static class NativeMethods
    {
        // The libsodium that NSec loads (the libsodium package's native asset).
        [System.Runtime.InteropServices.DllImport("libsodium", EntryPoint = "sodium_version_string")]
        public static extern IntPtr SodiumVersionString();
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

/// <summary>The PostgreSQL settings that decide how much a write costs, as the server reports them.</summary>
public static class PostgresSettings
{
    private static readonly string[] Names = ["fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_wal_size"];

    /// <summary>For example <c>fsync=off, synchronous_commit=off, full_page_writes=off, shared_buffers=128MB, max_wal_size=1GB</c>.</summary>
    public static async Task<string> DescribeAsync(string connectionString) =>
        string.Join(", ", (await ReadAsync(connectionString)).Select(s => $"{s.Key}={s.Value}"));

    /// <summary>True when the server makes every commit durable (fsync, synchronous commit and full-page writes on: the defaults).</summary>
    public static async Task<bool> IsDurableAsync(string connectionString)
    {
        var settings = await ReadAsync(connectionString);
        return settings["fsync"] == "on" && settings["synchronous_commit"] == "on" && settings["full_page_writes"] == "on";
    }

    private static async Task<Dictionary<string, string>> ReadAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            await using var command = new Npgsql.NpgsqlCommand($"SHOW {name}", connection);
            settings[name] = (string)(await command.ExecuteScalarAsync())!;
        }

        return settings;
    }
}
