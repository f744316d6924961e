// Runs until stopped (SIGTERM, Ctrl+C): ColumnCrypto with its key table in the PostgreSQL database named by
// COLUMNCRYPTO_HOSTAPP_CONNECTION, and the local master key from COLUMNCRYPTO_MASTER_KEY. Logs to the console.
using ColumnCrypto.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

var connectionString = Environment.GetEnvironmentVariable("COLUMNCRYPTO_HOSTAPP_CONNECTION")
    ?? throw new InvalidOperationException("Set COLUMNCRYPTO_HOSTAPP_CONNECTION to a PostgreSQL connection string.");
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddColumnCrypto()
    .UseSqlKeyStore(ColumnCryptoDatabase.Create(ColumnCryptoDatabaseProvider.PostgreSql, () => new NpgsqlConnection(connectionString)));
using var host = builder.Build();
await host.RunAsync();
