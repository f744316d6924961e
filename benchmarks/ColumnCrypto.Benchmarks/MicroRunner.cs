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
    public const double RoundTripTargetNs = 1500;
    public const long RoundTripTargetBytes = 400;

    public static int Run(Options options)
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
        var loadBefore = LoadAverage();
        var summary = BenchmarkRunner.Run<MicroBenchmarks>(config);
        var loadAfter = LoadAverage();
        try
        {
            Directory.Delete(artifacts, recursive: true);
        }
        catch (IOException)
        {
        }

        var rows = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => (Name: r.BenchmarkCase.Descriptor.WorkloadMethod.Name, Stats: r.ResultStatistics!, Allocated: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))
            .ToList();
        if (rows.Count != summary.BenchmarksCases.Length)
        {
            Console.Error.WriteLine("Some benchmarks failed; see the log above.");
            return 1;
        }

        var roundTrip = rows.Single(r => r.Name == nameof(MicroBenchmarks.RoundTripString40));
        var markdown = new StringBuilder()
            .AppendLine("# Microbenchmarks: ColumnEncryptor")
            .AppendLine()
            .AppendLine("Written by `scripts/bench.sh` (`dotnet run -c Release --project benchmarks/ColumnCrypto.Benchmarks -- micro`).")
            .AppendLine(CultureInfo.InvariantCulture, $"BenchmarkDotNet {typeof(BenchmarkRunner).Assembly.GetName().Version}, in-process, {job.Run.WarmupCount} warm-up and {job.Run.IterationCount} measured iterations per benchmark; times are medians.")
            .AppendLine()
            .AppendLine(MachineInfo.Markdown())
            .AppendLine(CultureInfo.InvariantCulture, $"| load average (1 min) before / after | {loadBefore} / {loadAfter} |")
            .AppendLine()
            .AppendLine(options.Note is null ? string.Empty : $"> {options.Note}\n")
            .AppendLine("## Targets")
            .AppendLine()
            .AppendLine("| target | measured | met |")
            .AppendLine("| --- | --- | --- |")
            .AppendLine(CultureInfo.InvariantCulture, $"| 40-byte string round trip ≤ 1.5 µs | {Us(roundTrip.Stats.Median)} | {Yes(roundTrip.Stats.Median <= RoundTripTargetNs)} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| 40-byte string round trip ≤ 400 B allocated | {roundTrip.Allocated} B | {Yes(roundTrip.Allocated <= RoundTripTargetBytes)} |")
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
            .AppendLine("References: `ReferencePlatformAesGcm40` is one AES-256-GCM encryption of 40 bytes by the platform's `AesGcm` (OpenSSL on Linux,")
            .AppendLine("cached instance): the floor under every encrypt and every decrypt. `ReferenceCsprng12` is one `RandomNumberGenerator.Fill` of")
            .AppendLine("12 bytes, what every value would pay without nonce buffering.");
        Write(options, markdown.ToString());
        return 0;
    }

    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
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

    private static string Us(double ns) => ns >= 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{ns / 1000:F1} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{ns / 1000:F3} µs");

    internal static string Yes(bool met) => met ? "yes" : "**no**";
}
