using ColumnCrypto.Sample;

// dotnet run --project samples/ColumnCrypto.Sample                  SQLite in .columncrypto/, generated local master key
// dotnet run --project samples/ColumnCrypto.Sample -- --connection "Host=...;Database=..." --config samples/ColumnCrypto.Sample/awskms.yaml
return await SampleApp.RunAsync(args, Console.Out, Environment.CurrentDirectory);
