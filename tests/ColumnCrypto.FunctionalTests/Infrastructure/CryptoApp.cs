using System.Security.Cryptography;
using ColumnCrypto.Configuration;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ColumnCrypto.FunctionalTests.Infrastructure;

/// <summary>
/// One application instance as a user would wire it: AddColumnCrypto with a local master key file, the key table in
/// ShopContext's database, and ShopContext using UseColumnEncryption. Several instances over one database are
/// several app instances.
/// </summary>
public sealed class CryptoApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CryptoApp(ServiceProvider services, TestDatabase database)
    {
        _services = services;
        Database = database;
    }

    public TestDatabase Database { get; }

    public ColumnEncryptor Encryptor => _services.GetRequiredService<ColumnEncryptor>();

    public IDataKeyManager Keys => _services.GetRequiredService<IDataKeyManager>();

    public IServiceProvider Services => _services;

    public ShopContext NewContext() => _services.GetRequiredService<IDbContextFactory<ShopContext>>().CreateDbContext();

    /// <summary>Builds an instance without touching the database.</summary>
    public static CryptoApp Create(TestDatabase database, MasterKeyFile masterKey, TimeProvider? time = null, Action<ColumnCryptoOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        services.AddColumnCrypto(o =>
            {
                o.MasterKey.File = masterKey.Path;
                configure?.Invoke(o);
            })
            .UseDbContextKeyStore<ShopContext>()
            .WithoutHostedService();
        services.AddDbContextFactory<ShopContext>((sp, o) => database.Configure(o).UseColumnEncryption(sp));
        return new CryptoApp(services.BuildServiceProvider(), database);
    }

    /// <summary>Builds an instance, creates the schema if needed and initializes the keys (creating version 1 on an empty table).</summary>
    public static async Task<CryptoApp> StartAsync(TestDatabase database, MasterKeyFile masterKey, TimeProvider? time = null, Action<ColumnCryptoOptions>? configure = null)
    {
        var app = Create(database, masterKey, time, configure);
        await using (var context = app.NewContext())
        {
            await context.Database.EnsureCreatedAsync();
        }

        await app.Keys.InitializeAsync(CancellationToken.None);
        return app;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}

/// <summary>A random 256-bit master key in a temporary file (base64), deleted on dispose.</summary>
public sealed class MasterKeyFile : IDisposable
{
    public MasterKeyFile()
    {
        Bytes = RandomNumberGenerator.GetBytes(32);
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"columncrypto-master-{Guid.NewGuid():N}.key");
        File.WriteAllText(Path, Convert.ToBase64String(Bytes));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public byte[] Bytes { get; }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
