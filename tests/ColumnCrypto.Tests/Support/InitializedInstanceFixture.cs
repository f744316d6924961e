using ColumnCrypto.Keys;

namespace ColumnCrypto.Tests.Support;

/// <summary>One initialized instance (version 1 exists) shared by the tests of a class that do not change keys.</summary>
public sealed class InitializedInstanceFixture : IAsyncLifetime
{
    private MasterKeyFile? _masterKey;
    private CryptoInstance? _instance;

    internal InMemoryDataKeyStore Store { get; } = new();

    internal CryptoInstance Instance => _instance ?? throw new InvalidOperationException("Not initialized.");

    public ColumnEncryptor Encryptor => Instance.Encryptor;

    public async Task InitializeAsync()
    {
        _masterKey = MasterKeyFile.Random();
        _instance = CryptoInstance.Create(Store, _masterKey);
        await _instance.Keys.InitializeAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _instance?.Dispose();
        _masterKey?.Dispose();
        return Task.CompletedTask;
    }
}
