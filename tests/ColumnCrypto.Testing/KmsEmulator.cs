using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;

namespace ColumnCrypto.Testing;

/// <summary>
/// The shared KMS emulator of the test run: the one scripts/test.sh started (COLUMNCRYPTO_TEST_KMS_URL), or, when that
/// is not set, a moto_server this fixture starts on a free port and kills at the end, so plain <c>dotnet test</c> works.
/// Also gives the AWS SDK's default credential chain something to find (moto accepts any credentials), the way an IAM
/// role would in production.
/// </summary>
public sealed class KmsEmulator : IDisposable
{
    public const string Region = "us-east-1";
    private readonly MotoServer? _ownServer;

    public KmsEmulator()
    {
        EnsureDefaultChainCredentials();
        var configured = Environment.GetEnvironmentVariable("COLUMNCRYPTO_TEST_KMS_URL");
        if (string.IsNullOrWhiteSpace(configured))
        {
            _ownServer = MotoServer.Start();
            Url = _ownServer.Url;
        }
        else
        {
            Url = configured.TrimEnd('/');
        }
    }

    public string Url { get; }

    /// <summary>Sets the SDK's standard credential variables when they are unset, and turns the EC2 metadata lookup off.</summary>
    public static void EnsureDefaultChainCredentials()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")))
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "test-default-chain-key-id");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "test-default-chain-secret");
        }

        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    /// <summary>An administrator's client for setting keys up in an emulator (not the client under test).</summary>
    public static AmazonKeyManagementServiceClient AdminClient(string url, string region = Region) =>
        new(new BasicAWSCredentials("admin", "admin"), new AmazonKeyManagementServiceConfig { ServiceURL = url, AuthenticationRegion = region });

    /// <summary>Creates a symmetric encryption key; returns its key id and ARN.</summary>
    public Task<KeyMetadata> CreateKeyAsync(string region = Region) => CreateKeyAsync(Url, region);

    public static async Task<KeyMetadata> CreateKeyAsync(string url, string region = Region)
    {
        using var admin = AdminClient(url, region);
        var response = await admin.CreateKeyAsync(new CreateKeyRequest { Description = "ColumnCrypto test key" });
        return response.KeyMetadata;
    }

    public Task DisableKeyAsync(string keyId) => DisableKeyAsync(Url, keyId);

    public static async Task DisableKeyAsync(string url, string keyId, string region = Region)
    {
        using var admin = AdminClient(url, region);
        await admin.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });
    }

    public async Task CreateAliasAsync(string aliasName, string keyId, string region = Region)
    {
        using var admin = AdminClient(Url, region);
        await admin.CreateAliasAsync(new CreateAliasRequest { AliasName = aliasName, TargetKeyId = keyId });
    }

    public void Dispose() => _ownServer?.Dispose();
}
