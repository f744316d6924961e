using System.Data.Common;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Data;
using ColumnCrypto.Data.Reencryption;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Keys.Lifecycle;
using ColumnCrypto.FunctionalTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

/// <summary>A context with no entity of its own: what an operator tool has instead of the application's model.</summary>
public sealed class ToolContext(DbContextOptions<ToolContext> options) : DbContext(options);

[Collection(PostgresTests.Name)]
public sealed class OperatorToolTests(PostgresServer postgres)
{
    public static TheoryData<Provider> Providers => new() { Provider.PostgreSql, Provider.Sqlite };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_tool_with_only_a_connection_string_finds_the_encrypted_columns_reports_coverage_and_re_encrypts_with_progress(Provider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider, postgres);
        using var masterKey = new MasterKeyFile();
        await using (var app = await LedgerApp.StartAsync(database, masterKey))
        {
            await app.AddAccountsAsync(120);
            await app.Keys.RollOverAsync(CancellationToken.None);
            await app.RecordColumnsAsync();
        }

        // The tool: the application's configuration and database, but not its assembly or model.
        var services = new ServiceCollection();
        services.AddColumnCrypto(o => o.MasterKey.File = masterKey.Path).UseDbContextKeyStore<ToolContext>().WithoutHostedService();
        services.AddDbContextFactory<ToolContext>((sp, o) => database.Configure(o).UseColumnEncryption(sp));
        await using var tool = services.BuildServiceProvider();
        var cryptoDatabase = ColumnCryptoDatabase.Create(
            provider == Provider.PostgreSql ? ColumnCryptoDatabaseProvider.PostgreSql : ColumnCryptoDatabaseProvider.Sqlite,
            () => provider == Provider.PostgreSql ? new NpgsqlConnection(database.ConnectionString) : (DbConnection)new SqliteConnection(database.ConnectionString));

        var columns = await new EncryptedColumnRegistry(cryptoDatabase).GetColumnsAsync();
        Assert.Equal(["Balance", "Email", "Note", "Pin"], columns.Select(c => c.Column));
        Assert.All(columns, c =>
        {
            Assert.Equal("accounts", c.Table);
            Assert.Equal(["Id"], c.KeyColumns);
            Assert.Equal($"accounts.{c.Column}", c.EncryptionContext);
            Assert.Equal(typeof(LedgerContext).FullName, c.RegisteredBy);
            Assert.False(c.PlaintextAllowed);
        });
        Assert.Equal(EncryptedStorage.Base64Text, columns.Single(c => c.Column == "Note").Storage);
        Assert.Equal(["Decimal", "String", "String", "Int32"], columns.Select(c => c.ValueType));

        var retirement = tool.GetRequiredService<DataKeyLifecycle>();
        Assert.Equal([1], (await retirement.GetCoverageAsync()).VersionsInUse);

        var reencryptor = ColumnReencryptor.Create(cryptoDatabase, tool, new Configuration.ReencryptionOptions { BatchSize = 50, PauseBetweenBatches = 1 });
        var result = await reencryptor.RunAsync();
        Assert.True(result.Complete);
        Assert.Equal(120, result.RowsWritten);
        Assert.True(result.RowsPerSecond > 0);
        Assert.Equal([2], (await retirement.GetCoverageAsync()).VersionsInUse);

        var progress = await reencryptor.GetProgressAsync();
        Assert.Equal(4, progress.Count);
        Assert.All(progress, p =>
        {
            Assert.Equal("done", p.Status);
            Assert.Equal(2, p.TargetVersion);
            Assert.Equal(p.Total, p.Done);
            Assert.Equal(100, p.Percent);
            Assert.Equal(0, p.Failed);
            Assert.Equal("120", p.LastKey);
            Assert.True(p.RowsPerSecond > 0);
            Assert.Null(p.Eta);
            Assert.True(p.UpdatedAt >= p.StartedAt);
        });
        Assert.Equal(120, progress.Single(p => p.Column == "Email").Total);
    }
}
