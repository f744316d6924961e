using ColumnCrypto.Configuration;
using ColumnCrypto.Kms.Aws;

namespace ColumnCrypto.Cli.Hosting;

/// <summary>
/// The ColumnCrypto settings of one run: the YAML of --config (or the defaults), where the master key is, and the
/// tool's own changes to them. The tool reads the file here for its decisions; the services read the same file
/// themselves (<see cref="ConfigFile"/>) and get the tool's changes through <see cref="Apply"/>, so they see all of
/// it (reencryption included).
/// </summary>
internal sealed class CliConfiguration
{
    private readonly List<Action<ColumnCryptoOptions>> _changes = [];

    private CliConfiguration(string? configFile, ColumnCryptoOptions options, MasterKeyLocation? masterKey)
    {
        ConfigFile = configFile;
        Options = options;
        MasterKey = masterKey;
    }

    /// <summary>The full path of --config; null without it.</summary>
    public string? ConfigFile { get; }

    public ColumnCryptoOptions Options { get; }

    /// <summary>The local master key; null when a KMS wraps the data keys.</summary>
    public MasterKeyLocation? MasterKey { get; }

    /// <summary>The local master key even when a KMS is configured (it may still unwrap older keys, or be a rewrap target).</summary>
    public MasterKeyLocation LocalMasterKey { get; private init; } = null!;

    /// <summary>The AWS KMS settings when they wrap the data keys; null for the local master key.</summary>
    public AwsKmsOptions? Kms => KmsOf(Options);

    /// <summary>Describes the key-encryption key new data keys are wrapped with.</summary>
    public string WrappingDescription => Kms is { } kms
        ? $"AWS KMS key {kms.KeyId} in {kms.Region}"
        : MasterKey!.Description;

    public static CliConfiguration Load(string? configFile, CliEnvironment environment)
    {
        // ColumnCryptoYaml names the file, line and setting of any problem (exit code 3).
        var path = configFile is null ? null : environment.ResolvePath(configFile);
        var options = path is null ? new ColumnCryptoOptions() : ColumnCryptoYaml.LoadFile(path, [AwsKmsPlugin.Instance]);
        var local = MasterKeyLocation.Resolve(options, environment);
        var configuration = new CliConfiguration(path, options, KmsOf(options) is null ? local : null) { LocalMasterKey = local };

        // The default key file is the tool's convention, unknown to the library; with a KMS the local key is optional,
        // so the library is not pointed at a default file that does not exist.
        var file = configuration.MasterKey is null && local.IsDefaultFile && !local.Exists ? null : options.MasterKey.File;
        configuration.Change(o => o.MasterKey.File = file);
        return configuration;
    }

    /// <summary>Changes the settings for this run: here, and in the services' own copy (<see cref="Apply"/>).</summary>
    public void Change(Action<ColumnCryptoOptions> change)
    {
        change(Options);
        _changes.Add(change);
    }

    /// <summary>Applies the tool's changes to options the services bound from <see cref="ConfigFile"/>.</summary>
    public void Apply(ColumnCryptoOptions options)
    {
        foreach (var change in _changes)
        {
            change(options);
        }
    }

    private static AwsKmsOptions? KmsOf(ColumnCryptoOptions options) =>
        options.Plugins.Find<AwsKmsOptions>(AwsKmsOptions.SectionName) is { IsKms: true } kms ? kms : null;
}
