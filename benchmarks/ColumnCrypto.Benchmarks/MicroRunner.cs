using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ColumnCrypto.Benchmarks;

/// <summary>Runs <see cref="MicroBenchmarks"/> and writes micro.md: machine, targets vs measured, every benchmark.</summary>
public static class MicroRunner
{
    /// <summary>The 40-byte round trip at most this fraction of the same round trip with <c>cipher: platform</c>.</summary>
    public const double VersusPlatformTarget = 0.3;

    /// <summary>... and at most this multiple of a bare libsodium encrypt + decrypt of the same bytes.</summary>
    public const double VersusBareLibsodiumTarget = 1.5;

    public const long RoundTripTargetBytes = 400;

    public static int Run(Options options)
    {
        var loadBefore = MachineInfo.Uptime();
        var (summary, job) = RunBenchmarkDotNet<MicroBenchmarks>(options);
        var loadAfter = MachineInfo.Uptime();
        var rows = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => (Name: r.BenchmarkCase.Descriptor.WorkloadMethod.Name, Stats: r.ResultStatistics!, Allocated: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))
            .ToList();
        if (rows.Count != summary.BenchmarksCases.Length)
        {
            Console.Error.WriteLine("Some benchmarks failed; see the log above.");
            return 1;
        }

        double Median(string name) => rows.Single(r => r.Name == name).Stats.Median;
        var roundTrip = rows.Single(r => r.Name == nameof(MicroBenchmarks.RoundTripString40));
        var versusPlatform = roundTrip.Stats.Median / Median(nameof(MicroBenchmarks.RoundTripString40Platform));
        var versusBare = roundTrip.Stats.Median / Median(nameof(MicroBenchmarks.ReferenceLibsodiumRoundTrip40));
        var hmacDotNet = Median(nameof(MicroBenchmarks.KeyedHashDotNetHmacSha256));
        var hmacSodium = Median(nameof(MicroBenchmarks.KeyedHashNSecHmacSha256));
        var blake2b = Median(nameof(MicroBenchmarks.KeyedHashNSecBlake2b256));
        var markdown = new StringBuilder()
            .AppendLine("# Microbenchmarks: ColumnEncryptor")
            .AppendLine()
            .AppendLine("Written by `scripts/bench.sh` (`dotnet run -c Release --project benchmarks/ColumnCrypto.Benchmarks -- micro`).")
            .AppendLine(CultureInfo.InvariantCulture, $"BenchmarkDotNet {typeof(BenchmarkRunner).Assembly.GetName().Version}, in-process, {job.Run.WarmupCount} warm-up and {job.Run.IterationCount} measured iterations per benchmark; times are medians; all benchmarks in one run, one after the other.")
            .AppendLine("`ColumnEncryptor` benchmarks without a suffix use the default backend (`cipher: auto`, libsodium here); `...Platform` ones an instance with `cipher: platform`.")
            .AppendLine()
            .AppendLine(MachineInfo.Markdown())
            .AppendLine(CultureInfo.InvariantCulture, $"| load (`uptime`) before / after | {loadBefore} / {loadAfter} |")
            .AppendLine()
            .AppendLine(options.Note is null ? string.Empty : $"> {options.Note}\n")
            .AppendLine("## Targets")
            .AppendLine()
            .AppendLine("| target | measured | met |")
            .AppendLine("| --- | --- | --- |")
            .AppendLine(CultureInfo.InvariantCulture, $"| 40-byte string round trip ≤ {VersusPlatformTarget}× the same round trip with `cipher: platform` | {versusPlatform:F3}× ({Us(roundTrip.Stats.Median)} vs {Us(Median(nameof(MicroBenchmarks.RoundTripString40Platform)))}) | {Yes(versusPlatform <= VersusPlatformTarget)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| 40-byte string round trip ≤ {VersusBareLibsodiumTarget}× a bare libsodium encrypt + decrypt of 40 bytes | {versusBare:F3}× ({Us(roundTrip.Stats.Median)} vs {Us(Median(nameof(MicroBenchmarks.ReferenceLibsodiumRoundTrip40)))}) | {Yes(versusBare <= VersusBareLibsodiumTarget)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| 40-byte string round trip ≤ {RoundTripTargetBytes} B allocated | {roundTrip.Allocated} B | {Yes(roundTrip.Allocated <= RoundTripTargetBytes)} |")
            .AppendLine()
            .AppendLine("## Keyed hash for blind indexes (40-byte input, 32-byte key)")
            .AppendLine()
            .AppendLine("| candidate | median | vs .NET HMACSHA256 |")
            .AppendLine("| --- | ---: | ---: |")
            .AppendLine(CultureInfo.InvariantCulture, $"| .NET `HMACSHA256.HashData` (OpenSSL) | {Us(hmacDotNet)} | 1.00× |")
            .AppendLine(CultureInfo.InvariantCulture, $"| NSec HMAC-SHA-256 (libsodium) | {Us(hmacSodium)} | {hmacSodium / hmacDotNet:F2}× |")
            .AppendLine(CultureInfo.InvariantCulture, $"| NSec keyed BLAKE2b-256 (libsodium) | {Us(blake2b)} | {blake2b / hmacDotNet:F2}× |")
            .AppendLine()
            .AppendLine("ColumnCrypto's `KeyedHash` is HMAC-SHA-256 from the chosen backend: libsodium's where it is faster, the platform's with `cipher: platform`.")
            .AppendLine("Both give the same bytes, so an index does not depend on the backend; BLAKE2b would differ by backend (the platform has none) and is not FIPS-approved.")
            .AppendLine()
            .AppendLine("## All benchmarks")
            .AppendLine()
            .AppendLine("| benchmark | median | mean | std dev | allocated / op |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, stats, allocated) in rows)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Us(stats.Median)} | {Us(stats.Mean)} | {Us(stats.StandardDeviation)} | {allocated} B |");
        }

        markdown.AppendLine()
            .AppendLine("References (cached key objects, 29 bytes of associated data as ColumnCrypto passes for customers.email): `ReferencePlatformAesGcm40` / `ReferenceLibsodiumAesGcm40`")
            .AppendLine("are one AES-256-GCM encryption of 40 bytes by the platform's `AesGcm` (OpenSSL on Linux) / libsodium through NSec; `...RoundTrip40` an encryption and a decryption:")
            .AppendLine("the floor under a round trip. `ReferenceCsprng12` is one `RandomNumberGenerator.Fill` of 12 bytes, what every value would pay without nonce buffering.");
        Write(options, markdown.ToString());
        return 0;
    }

    /// <summary>Runs the benchmarks of <typeparamref name="T"/> with the one job every BenchmarkDotNet benchmark here uses.</summary>
    internal static (Summary Summary, Job Job) RunBenchmarkDotNet<T>(Options options)
    {
        // In-process: no generated project to build (the repo's warnings-as-errors and central package management
        // would apply to it), and a short, fixed job so the whole bench fits in ~10 minutes on 2 cores. 15 measured
        // iterations of ~0.5 s each after 5 warm-ups give medians that move by a few percent between runs.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(options.Quick ? 3 : 15)
            .WithId("bench");
        var artifacts = Path.Combine(Path.GetTempPath(), $"columncrypto-bdn-{Environment.ProcessId}");
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<T>(config);
        try
        {
            Directory.Delete(artifacts, recursive: true);
        }
        catch (IOException)
        {
        }

        return (summary, job);
    }

    internal static void Write(Options options, string markdown)
    {
        Console.WriteLine(markdown);
        if (options.Output is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.WriteAllText(file, markdown);
            Console.WriteLine($"Written to {file}");
        }
    }

    internal static string Us(double ns) => ns >= 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{ns / 1000:F1} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{ns / 1000:F3} µs");

    internal static string Yes(bool met) => met ? "yes" : "**no**";
}
