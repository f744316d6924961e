namespace ColumnCrypto.Configuration;

/// <summary>
/// All ColumnCrypto settings. The YAML shape follows the product documentation:
/// <c>plugins.awsKms</c> selects AWS KMS as the key-encryption key, <c>schedule.dataKeyRollOverLength</c>
/// sets the data key rollover in days, and <c>masterKey</c> configures the local master key used when no KMS is set.
/// </summary>
public sealed class ColumnCryptoOptions
{
    /// <summary>The rollover schedule (<c>schedule:</c>).</summary>
    public ScheduleOptions Schedule { get; set; } = new();

    /// <summary>External key management plugins (<c>plugins:</c>).</summary>
    public PluginsOptions Plugins { get; set; } = new();

    /// <summary>The local master key used to wrap data keys when no KMS plugin is configured (<c>masterKey:</c>).</summary>
    public MasterKeyOptions MasterKey { get; set; } = new();

    /// <summary>Background re-encryption onto the newest data key (<c>reencryption:</c>).</summary>
    public ReencryptionOptions Reencryption { get; set; } = new();

    /// <summary>Where these options came from (a YAML file path), used in error messages. Null when built in code.</summary>
    public string? Source { get; set; }

    /// <summary>The configured KMS plugin, or null when data keys are wrapped by the local master key.</summary>
    public AwsKmsOptions? Kms => Plugins.AwsKms is { IsKms: true } kms ? kms : null;
}

/// <summary>The data key rollover schedule (<c>schedule:</c>).</summary>
public sealed class ScheduleOptions
{
    /// <summary>The default rollover length in days: one year, as the product documentation states.</summary>
    public const int DefaultDataKeyRollOverLength = 365;

    /// <summary>
    /// Days after which the newest data key is replaced by a new one (<c>schedule.dataKeyRollOverLength</c>).
    /// Must be positive. Default 365.
    /// </summary>
    public int DataKeyRollOverLength { get; set; } = DefaultDataKeyRollOverLength;

    /// <summary>
    /// How often running applications check whether a rollover is due (<c>schedule.rollOverCheckInterval</c>, in minutes).
    /// Default 60.
    /// </summary>
    public int RollOverCheckInterval { get; set; } = 60;

    /// <summary>
    /// The number of values one data key may encrypt before a rollover is forced (<c>schedule.maxEncryptionsPerKey</c>).
    /// Random 96-bit GCM nonces are safe for 2^32 encryptions per key (NIST SP 800-38D, section 8.3);
    /// the default, 2^31, keeps a margin of 2^31 for counts reserved but not yet recorded by other instances.
    /// </summary>
    public long MaxEncryptionsPerKey { get; set; } = 1L << 31;

    /// <summary>
    /// Whether ColumnCrypto creates data keys by itself (<c>schedule.autoGenerateKeys</c>): the first one on an empty
    /// key table, and a new one when the schedule says the newest is due. Default true. Set it to false where only an
    /// operator may create keys (<c>columncrypto rotate</c>, or <c>DataKeyLifecycle.RotateAsync</c>): start-up then
    /// fails on an empty key table, and a due rollover is only logged.
    /// </summary>
    public bool AutoGenerateKeys { get; set; } = true;
}

/// <summary>External key management plugins (<c>plugins:</c>). Only <c>awsKms</c> is supported.</summary>
public sealed class PluginsOptions
{
    /// <summary>AWS KMS (<c>plugins.awsKms</c>). Null when not configured.</summary>
    public AwsKmsOptions? AwsKms { get; set; }
}

/// <summary>AWS KMS settings, exactly as the product documentation shows them (<c>plugins.awsKms</c>).</summary>
public sealed class AwsKmsOptions
{
    /// <summary>The plugin type (<c>plugin</c>); must be <c>awsKms</c>.</summary>
    public string? Plugin { get; set; }

    /// <summary>Whether this plugin is the key management service that wraps data keys (<c>isKms</c>).</summary>
    public bool IsKms { get; set; }

    /// <summary>The KMS key: key id, key ARN, alias name or alias ARN (<c>keyId</c>).</summary>
    public string? KeyId { get; set; }

    /// <summary>The AWS region, for example <c>us-east-1</c> (<c>region</c>).</summary>
    public string? Region { get; set; }

    /// <summary>An endpoint override, for VPC endpoints or a KMS emulator (<c>serviceUrl</c>). Optional.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Extra client configuration (<c>extraKmsConfig</c>). Optional.</summary>
    public ExtraKmsConfigOptions? ExtraKmsConfig { get; set; }
}

/// <summary>Extra AWS KMS client configuration (<c>plugins.awsKms.extraKmsConfig</c>).</summary>
public sealed class ExtraKmsConfigOptions
{
    /// <summary>
    /// Explicit credentials (<c>extraKmsConfig.credentials</c>). Not recommended: prefer an IAM role and the
    /// AWS SDK's default credential chain. Use <c>${ENV_VAR}</c> references to keep secrets out of the file.
    /// </summary>
    public AwsCredentialsOptions? Credentials { get; set; }
}

/// <summary>Explicit AWS credentials. Secret values are redacted in <see cref="ToString"/>.</summary>
public sealed class AwsCredentialsOptions
{
    /// <summary>The access key id (<c>accessKeyId</c>).</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (<c>secretAccessKey</c>). Never logged or shown.</summary>
    public SecretValue? SecretAccessKey { get; set; }

    /// <summary>The session token (<c>sessionToken</c>), for temporary credentials. Never logged or shown.</summary>
    public SecretValue? SessionToken { get; set; }

    /// <inheritdoc />
    public override string ToString() =>
        $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = {SecretAccessKey}, SessionToken = {SessionToken} }}";
}

/// <summary>Where the local master key comes from (<c>masterKey:</c>) when no KMS plugin is configured.</summary>
public sealed class MasterKeyOptions
{
    /// <summary>The default environment variable holding the base64-encoded 256-bit master key.</summary>
    public const string DefaultEnvironmentVariable = "COLUMNCRYPTO_MASTER_KEY";

    /// <summary>
    /// A file holding the master key, base64-encoded (<c>masterKey.file</c>). Relative paths are resolved against the
    /// YAML file's folder. When set, the file is used and the environment variable is ignored.
    /// </summary>
    public string? File { get; set; }

    /// <summary>The environment variable holding the base64-encoded master key (<c>masterKey.environmentVariable</c>).</summary>
    public string EnvironmentVariable { get; set; } = DefaultEnvironmentVariable;
}
