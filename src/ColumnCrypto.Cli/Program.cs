using ColumnCrypto.Cli;

return await ColumnCryptoCli.RunAsync(args, CliEnvironment.FromProcess()).ConfigureAwait(false);
