using ColumnCrypto.Benchmarks;

// scripts/bench.sh runs every benchmark; each can also be run alone:
//   dotnet run -c Release --project benchmarks/ColumnCrypto.Benchmarks -- micro|ef|search|reencrypt [--output FILE] [options]
var command = args.Length > 0 ? args[0] : string.Empty;
var rest = args.Skip(1).ToArray();
switch (command)
{
    case "micro":
        return MicroRunner.Run(Options.Parse(rest));
    case "ef":
        return await EfBenchmark.RunAsync(Options.Parse(rest));
    case "search":
        return await SearchBenchmark.RunAsync(Options.Parse(rest));

    // ---- re-encryption benchmark: ReencryptionBenchmark.cs is owned by the re-encryption work, not by this file ----
    case "reencrypt":
        return await ReencryptionBenchmark.RunAsync(rest);

    default:
        Console.Error.WriteLine("usage: ColumnCrypto.Benchmarks micro|ef|search|reencrypt [--output FILE] [--note TEXT] [--runs N] [--warmup N] [--rows N] [--lookups N] [--quick]");
        return 2;
}
