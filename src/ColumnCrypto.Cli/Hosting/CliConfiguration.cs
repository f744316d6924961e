using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws;

namespace ColumnCrypto.Cli.Hosting;

/// <summary>The ColumnCrypto settings of one run: the YAML of --config (or the defaults) and where the master key is.</summary>
internal sealed class CliConfiguration
{
    private CliConfiguration(ColumnCryptoOptions options, MasterKeyLocation? masterKey)
    {
        Options = options;
        MasterKey = masterKey;
    }

    public ColumnCryptoOptions Options { get; }

    /// <summary>The local master key; null when a KMS wraps the data keys.</summary>
    public MasterKeyLocation? MasterKey { get; }

    /// <summary>The local master key even when a KMS is configured (it may still unwrap older keys, or be a rewrap target).</summary>
    public MasterKeyLocation LocalMasterKey { get; private init; } = null!;

    /// <summary>The AWS KMS settings when they wrap the data keys; null for the local master key.</summary>
    public AwsKmsOptions? Kms => Options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName) is { IsKms: true } kms ? kms : null;

    /// <summary>Describes the key-encryption key new data keys are wrapped with.</summary>
    public string WrappingDescription => Kms is { } kms
        ? $"AWS KMS key {kms.KeyId} in {kms.Region}"
        : MasterKey!.Description;

    public static CliConfiguration Load(string? configFile, CliEnvironment environment)
    {
        // ColumnCryptoYaml names the file, line and setting of any problem (exit code 3).
        var options = configFile is null
            ? new ColumnCryptoOptions()
            : ColumnCryptoYaml.LoadFile(environment.ResolvePath(configFile), [AwsKmsPlugin.Instance]);
        var local = MasterKeyLocation.Resolve(options, environment);
        var kms = options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName) is { IsKms: true };
        if (kms && local.IsDefaultFile && !local.Exists)
        {
            // With a KMS, a local key is optional: do not point the library at a file that does not exist.
            options.MasterKey.File = null;
        }

        return new CliConfiguration(options, kms ? null : local) { LocalMasterKey = local };
    }
}
