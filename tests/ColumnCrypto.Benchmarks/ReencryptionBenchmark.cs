namespace ColumnCrypto.Benchmarks;

/// <summary>Re-encryption benchmark (owned by another engineer): a stub until it lands.</summary>
public static class ReencryptionBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        _ = args;
        Console.WriteLine("not implemented yet");
        return Task.FromResult(0);
    }
}
