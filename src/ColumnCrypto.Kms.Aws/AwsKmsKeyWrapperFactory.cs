using Amazon.KeyManagementService;
using ColumnCrypto.Configuration;
using ColumnCrypto.Wrapping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.Kms.Aws;

/// <summary>
/// Creates the <c>awsKms</c> key wrapper from <c>plugins.awsKms</c>. Registered by <c>AddAwsKms</c>, with the client
/// adjustments given there; <see cref="AwsKmsPlugin"/> calls it once per container when <c>isKms</c> is true. It owns
/// the clients it creates and disposes them with the container.
/// </summary>
internal sealed class AwsKmsKeyWrapperFactory : IDisposable
{
    private readonly Action<AmazonKeyManagementServiceConfig>? _configureClient;
    private readonly Func<IAmazonKeyManagementService, IAmazonKeyManagementService>? _decorateClient;
    private readonly List<AwsKmsKeyWrapper> _created = [];
    private readonly Lock _lock = new();

    /// <param name="configureClient">Adjusts the SDK client configuration after the plugin's settings are applied.</param>
    /// <param name="decorateClient">Wraps the client (tests count calls with it).</param>
    public AwsKmsKeyWrapperFactory(
        Action<AmazonKeyManagementServiceConfig>? configureClient,
        Func<IAmazonKeyManagementService, IAmazonKeyManagementService>? decorateClient = null)
    {
        _configureClient = configureClient;
        _decorateClient = decorateClient;
    }

    public IKeyWrapper Create(AwsKmsOptions kms, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentNullException.ThrowIfNull(services);

        // The source is only for messages: the wrapper is made from the plugin's own options.
        var source = services.GetService<IOptions<ColumnCryptoOptions>>()?.Value.Source;
        var keyId = Require(kms.KeyId, "keyId", "the KMS key that wraps data keys (key id, key ARN or alias, for example alias/column-crypto)", source);
        var region = Require(kms.Region, "region", "the region of the KMS key, for example us-east-1", source);

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(AwsKmsLog.Category) ?? NullLogger.Instance;
        var metrics = services.GetService<AwsKmsMetrics>() ?? new AwsKmsMetrics();
        var location = new AwsKmsKeyLocation(keyId, region, string.IsNullOrWhiteSpace(kms.ServiceUrl) ? null : kms.ServiceUrl);
        if (!location.IsReachable(keyId))
        {
            // Said now rather than as a NotFound from KMS on first use: an ARN names its region, and keys never cross regions.
            throw new ColumnCryptoConfigurationException(
                $"plugins.awsKms.keyId '{keyId}' is an ARN of another region than plugins.awsKms.region '{region}' in {source ?? "the options"}. " +
                "A KMS key lives in one region: set region to the ARN's region, or use the ARN of a key in this region.",
                source, null, "plugins.awsKms.region");
        }

        var explicitCredentials = AwsKmsClientFactory.HasExplicitCredentials(kms);
        if (explicitCredentials)
        {
            AwsKmsLog.ExplicitCredentials(logger);
        }

        IAmazonKeyManagementService client = AwsKmsClientFactory.CreateClient(kms, AwsKmsClientFactory.CreateConfig(kms, _configureClient));
        if (_decorateClient is not null)
        {
            client = _decorateClient(client);
        }

        var wrapper = new AwsKmsKeyWrapper(client, location, metrics, new AwsKmsErrors(location, AwsKmsClientFactory.CredentialValues(kms)), logger);
        AwsKmsLog.WrapperCreated(logger, keyId, region, location.Endpoint,
            explicitCredentials ? "plugins.awsKms.extraKmsConfig.credentials" : "the AWS SDK default credential chain");
        lock (_lock)
        {
            _created.Add(wrapper);
        }

        return wrapper;
    }

    private static string Require(string? value, string name, string what, string? source) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ColumnCryptoConfigurationException(
                $"plugins.awsKms.{name} is missing or empty in {source ?? "the options"}, but plugins.awsKms.isKms is true. Set it to {what}.",
                source, null, $"plugins.awsKms.{name}")
            : value;

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var wrapper in _created)
            {
                wrapper.Dispose();
            }

            _created.Clear();
        }
    }
}
