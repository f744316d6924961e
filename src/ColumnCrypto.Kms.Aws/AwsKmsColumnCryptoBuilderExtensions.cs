using Amazon.KeyManagementService;
using ColumnCrypto.DependencyInjection;
using ColumnCrypto.Kms.Aws;
using ColumnCrypto.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds AWS KMS (<c>plugins.awsKms</c>) as the key-encryption key of ColumnCrypto.</summary>
public static class AwsKmsColumnCryptoBuilderExtensions
{
    /// <summary>
    /// Registers the <c>awsKms</c> plugin. It is used when the configuration has <c>plugins.awsKms</c> with
    /// <c>isKms: true</c>: new data keys are then wrapped by the KMS key <c>keyId</c> in <c>region</c> (kms:Encrypt) and
    /// unwrapped once per process (kms:Decrypt). Credentials come from the AWS SDK's default chain (IAM role),
    /// or from <c>extraKmsConfig.credentials</c> (not recommended). Call it once.
    /// </summary>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="configureClient">
    /// Adjusts the AWS SDK client configuration after the plugin's settings (region, <c>serviceUrl</c>, standard retry
    /// mode with 3 retries, 10 s timeout) are applied, for example a proxy or another retry mode.
    /// </param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder AddAwsKms(this ColumnCryptoBuilder builder, Action<AmazonKeyManagementServiceConfig>? configureClient = null) =>
        builder.AddAwsKms(configureClient, decorateClient: null);

    /// <summary>
    /// Registers the <c>awsKms</c> plugin, as <see cref="AddAwsKms(ColumnCryptoBuilder, Action{AmazonKeyManagementServiceConfig})"/>,
    /// and sets its options in code, after any configuration file or section is bound, for example
    /// <c>AddAwsKms(kms =&gt; { kms.IsKms = true; kms.KeyId = "alias/app"; kms.Region = "eu-west-1"; })</c>.
    /// <c>plugin</c> is set to <c>awsKms</c> when not configured.
    /// </summary>
    /// <param name="builder">The builder <c>AddColumnCrypto</c> returned.</param>
    /// <param name="configure">Sets the <c>plugins.awsKms</c> options.</param>
    /// <param name="configureClient">Adjusts the AWS SDK client configuration after the plugin's settings are applied.</param>
    /// <returns>The builder.</returns>
    public static ColumnCryptoBuilder AddAwsKms(this ColumnCryptoBuilder builder, Action<AwsKmsOptions> configure,
        Action<AmazonKeyManagementServiceConfig>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<ColumnCryptoOptions>(options =>
        {
            var kms = options.Plugins.GetOrAdd<AwsKmsOptions>(AwsKmsOptions.SectionName);
            kms.Plugin ??= AwsKmsOptions.SectionName;
            configure(kms);
        });
        return builder.AddAwsKms(configureClient, decorateClient: null);
    }

    /// <summary>As the public overload; <paramref name="decorateClient"/> wraps the client (tests count KMS calls with it).</summary>
    internal static ColumnCryptoBuilder AddAwsKms(
        this ColumnCryptoBuilder builder,
        Action<AmazonKeyManagementServiceConfig>? configureClient,
        Func<IAmazonKeyManagementService, IAmazonKeyManagementService>? decorateClient)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(sp => new AwsKmsMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));

        // Created by the container (not passed as an instance) so that it is disposed with it, and its KMS clients too.
        builder.Services.TryAddSingleton(_ => new AwsKmsKeyWrapperFactory(configureClient, decorateClient));
        return builder.AddPlugin(AwsKmsPlugin.Instance);
    }
}
