using ColumnCrypto.Configuration;
using ColumnCrypto.Keys;
using ColumnCrypto.Tests.Support;
using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Tests;

/// <summary>
/// A missing, malformed or wrong master key fails fast with a clear error, and never leads to a new data key
/// (fail closed): a key minted under the wrong master key would strand every value written with it.
/// </summary>
public sealed class MasterKeyTests
{
    private static readonly EncryptedColumn Email = new("customers", "email");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Missing_master_key_fails_fast_naming_the_environment_variable_and_creates_no_key()
    {
        var variable = "COLUMNCRYPTO_TEST_UNSET_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        Assert.Null(Environment.GetEnvironmentVariable(variable));
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey: null, configure: o => o.MasterKey.EnvironmentVariable = variable);

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.InitializeAsync(None));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains("masterKey.file", error.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", error.Message, StringComparison.Ordinal);
        Assert.Equal("masterKey", error.Setting);

        // Every other way in fails the same way, and none of them mints a key.
        Assert.Throws<ColumnCryptoConfigurationException>(() => instance.Encryptor.Encrypt(Email, "x"));
        await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.RollOverIfDueAsync(None));
        await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.RollOverAsync(None));
        Assert.Empty((await store.ReadAsync(None)).Rows);
        Assert.Equal(0, instance.Store.Adds);
    }

    [Fact]
    public void Missing_master_key_message_names_COLUMNCRYPTO_MASTER_KEY_by_default()
    {
        var error = Assert.Throws<ColumnCryptoConfigurationException>(() => MasterKeyLoader.Load(new ColumnCryptoOptions(), _ => null));
        Assert.Contains("COLUMNCRYPTO_MASTER_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("export COLUMNCRYPTO_MASTER_KEY=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_master_key_fails_when_the_table_already_has_keys_and_creates_none()
    {
        var (writer, store, masterKey) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (masterKey)
        {
            writer.Time.Advance(TimeSpan.FromDays(400)); // a rollover would be due
            var variable = "COLUMNCRYPTO_TEST_UNSET_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
            using var instance = CryptoInstance.Create(store, masterKey: null, writer.Time, o => o.MasterKey.EnvironmentVariable = variable);

            await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.InitializeAsync(None));
            await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.RollOverIfDueAsync(None));
            Assert.Single((await store.ReadAsync(None)).Rows);
        }
    }

    [Fact]
    public async Task Missing_master_key_file_fails_naming_the_file_and_setting()
    {
        var path = Path.Combine(Path.GetTempPath(), $"columncrypto-missing-{Guid.NewGuid():N}.key");
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey: null, configure: o => o.MasterKey.File = path);

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.InitializeAsync(None));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("masterKey.file", error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadAsync(None)).Rows);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("%%%%")]
    public async Task Master_key_that_is_not_base64_fails_with_a_clear_error(string text)
    {
        using var masterKey = MasterKeyFile.WithText(text);
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey);

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.InitializeAsync(None));

        Assert.Contains("not base64", error.Message, StringComparison.Ordinal);
        Assert.Contains(masterKey.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadAsync(None)).Rows);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public async Task Master_key_of_the_wrong_length_fails_with_a_clear_error(int length)
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
        using var masterKey = MasterKeyFile.WithText(Convert.ToBase64String(bytes));
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey);

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.InitializeAsync(None));

        Assert.Contains($"holds {length} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("32 bytes", error.Message, StringComparison.Ordinal);
        if (length > 0)
        {
            Assert.DoesNotContain(Convert.ToBase64String(bytes), error.Message, StringComparison.Ordinal);
        }

        Assert.Empty((await store.ReadAsync(None)).Rows);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "0440")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, "0604")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite, "0620")]
    public async Task A_master_key_file_other_users_may_read_or_change_is_refused_saying_chmod_600(UnixFileMode mode, string octal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var masterKey = MasterKeyFile.Random();
        File.SetUnixFileMode(masterKey.Path, mode);
        var store = new InMemoryDataKeyStore();
        using var instance = CryptoInstance.Create(store, masterKey);

        var error = await Assert.ThrowsAsync<ColumnCryptoConfigurationException>(() => instance.Keys.InitializeAsync(None));

        Assert.Equal("masterKey.file", error.Setting);
        Assert.Contains($"The master key file '{masterKey.Path}' (masterKey.file) can be read or changed by users other than its owner (mode {octal})", error.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 '{masterKey.Path}'", error.Message, StringComparison.Ordinal);
        Assert.Empty((await store.ReadAsync(None)).Rows);

        // Owner read-only (0400) is as good as 0600.
        File.SetUnixFileMode(masterKey.Path, UnixFileMode.UserRead);
        using var fixedUp = CryptoInstance.Create(store, masterKey);
        await fixedUp.Keys.InitializeAsync(None);
    }

    [Fact]
    public async Task Master_key_file_may_end_with_a_newline()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        using var masterKey = MasterKeyFile.WithText(Convert.ToBase64String(key) + "\n");
        using var instance = CryptoInstance.Create(new InMemoryDataKeyStore(), masterKey);
        await instance.Keys.InitializeAsync(None);
        Assert.Equal("x", instance.Encryptor.Decrypt<string>(Email, instance.Encryptor.Encrypt(Email, "x")));
    }

    [Fact]
    public async Task Wrong_master_key_fails_naming_both_key_ids_and_creates_no_key()
    {
        var (writer, store, keyA) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (keyA)
        using (var keyB = MasterKeyFile.Random())
        {
            var stored = writer.Encryptor.Encrypt(Email, "secret");
            writer.Time.Advance(TimeSpan.FromDays(400)); // a rollover would be due
            using var instance = CryptoInstance.Create(store, keyB, writer.Time);

            var error = await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => instance.Keys.InitializeAsync(None));

            Assert.Contains(keyA.KeyId, error.Message, StringComparison.Ordinal);
            Assert.Contains(keyB.KeyId, error.Message, StringComparison.Ordinal);
            Assert.Contains("version 1", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, error.KeyVersion);

            Assert.Throws<ColumnCryptoKeyException>(() => instance.Encryptor.Encrypt(Email, "x"));
            Assert.Throws<ColumnCryptoKeyException>(() => instance.Encryptor.Decrypt<string>(Email, stored));
            await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => instance.Keys.RollOverIfDueAsync(None));
            await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => instance.Keys.RollOverAsync(None));
            await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => instance.Keys.RefreshAsync(None));

            Assert.Single((await store.ReadAsync(None)).Rows);
            Assert.Equal(0, instance.Store.AddAttempts);
        }
    }

    [Fact]
    public async Task Right_master_key_recovers_after_a_wrong_one_was_tried()
    {
        var (writer, store, keyA) = await CryptoInstance.CreateInitializedAsync();
        using (writer)
        using (keyA)
        using (var keyB = MasterKeyFile.Random())
        {
            var stored = writer.Encryptor.Encrypt(Email, "secret");
            using (var wrong = CryptoInstance.Create(store, keyB, writer.Time))
            {
                await Assert.ThrowsAsync<ColumnCryptoKeyException>(() => wrong.Keys.InitializeAsync(None));
            }

            using var right = CryptoInstance.Create(store, keyA, writer.Time);
            await right.Keys.InitializeAsync(None);
            Assert.Equal("secret", right.Encryptor.Decrypt<string>(Email, stored));
            Assert.Single((await store.ReadAsync(None)).Rows);
        }
    }

    [Fact]
    public void Master_key_id_is_a_stable_fingerprint_that_differs_between_keys()
    {
        using var a = MasterKeyFile.Random();
        using var b = MasterKeyFile.Random();
        Assert.StartsWith("local:", a.KeyId, StringComparison.Ordinal);
        Assert.Equal(a.KeyId, a.KeyId);
        Assert.NotEqual(a.KeyId, b.KeyId);
        Assert.Equal("local:".Length + 16, a.KeyId.Length);
    }
}
