using System.Diagnostics;

namespace ColumnCrypto.Benchmarks;

/// <summary>Wall-clock time and this process's CPU time (all threads) of one step.</summary>
internal readonly record struct Timing(double WallMs, double CpuMs)
{
    public static Timing operator +(Timing a, Timing b) => new(a.WallMs + b.WallMs, a.CpuMs + b.CpuMs);
}

/// <summary>Times one step: a full GC first, so garbage from the step before is not collected inside it.</summary>
internal sealed class StepTimer
{
    private readonly TimeSpan _cpuStart;
    private readonly Stopwatch _clock;

    private StepTimer()
    {
        _cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        _clock = Stopwatch.StartNew();
    }

    public static StepTimer Start()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return new StepTimer();
    }

    /// <summary>Starts timing without a collection: for the slices of one step timed apart (the step collected once before).</summary>
    public static StepTimer StartSlice() => new();

    public Timing Stop()
    {
        var wall = _clock.Elapsed.TotalMilliseconds;
        return new Timing(wall, (Process.GetCurrentProcess().TotalProcessorTime - _cpuStart).TotalMilliseconds);
    }
}
