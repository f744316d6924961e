namespace ColumnCrypto.Configuration;

/// <summary>
/// All ColumnCrypto settings, in the shape of the product documentation: <c>schedule.dataKeyRollOverLength</c> sets
/// the data key rollover in days, <c>plugins.&lt;name&gt;</c> configures a plugin (one with <c>isKms: true</c> wraps
/// the data keys), and <c>masterKey</c> the local master key used when no KMS plugin is. Bound from a YAML file or an
/// <c>IConfiguration</c> section (<c>ColumnCrypto:schedule:dataKeyRollOverLength</c>), then configured in code.
/// </summary>
public sealed class ColumnCryptoOptions
{
    /// <summary>The configuration section <c>AddColumnCrypto()</c> binds from the application's <c>IConfiguration</c>.</summary>
    public const string SectionName = "ColumnCrypto";

    /// <summary>The rollover schedule (<c>schedule:</c>).</summary>
    public ScheduleOptions Schedule { get; set; } = new();

    /// <summary>The plugins' sections (<c>plugins:</c>), each plugin's options under its section name.</summary>
    public PluginOptionsCollection Plugins { get; set; } = new();

    /// <summary>The local master key used to wrap data keys when no KMS plugin is configured (<c>masterKey:</c>).</summary>
    public MasterKeyOptions MasterKey { get; set; } = new();

    /// <summary>Background re-encryption onto the newest data key (<c>reencryption:</c>).</summary>
    public ReencryptionOptions Reencryption { get; set; } = new();

    /// <summary>
    /// The AES-256-GCM implementation (<c>cipher:</c> <c>auto</c>, <c>libsodium</c> or <c>platform</c>). Default
    /// <see cref="CipherBackend.Auto"/>: libsodium's where the CPU supports it, otherwise the platform's
    /// <see cref="System.Security.Cryptography.AesGcm"/>. Set <see cref="CipherBackend.Platform"/> where a FIPS-validated
    /// module is required. Both write the same bytes, so the setting can change at any time.
    /// </summary>
    public CipherBackend Cipher { get; set; } = CipherBackend.Auto;

    /// <summary>
    /// Where these options came from, used in error messages: a YAML file's full path, or the configuration section
    /// (<c>configuration section 'ColumnCrypto'</c>). Null when built in code.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>How the bound source names and locates settings, so that validation reports them as binding does; null when built in code.</summary>
    internal SettingOrigin? Origin { get; set; }
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

/// <summary>Where the local master key comes from (<c>masterKey:</c>) when no KMS plugin is configured.</summary>
public sealed class MasterKeyOptions
{
    /// <summary>The default environment variable holding the base64-encoded 256-bit master key.</summary>
    public const string DefaultEnvironmentVariable = "COLUMNCRYPTO_MASTER_KEY";

    /// <summary>
    /// A file holding the master key, base64-encoded (<c>masterKey.file</c>). A relative path is resolved against the
    /// YAML file's folder, or for <c>IConfiguration</c> against the content root (else the application's base
    /// directory). When set, the file is used and the environment variable is ignored.
    /// </summary>
    public string? File { get; set; }

    /// <summary>The environment variable holding the base64-encoded master key (<c>masterKey.environmentVariable</c>).</summary>
    public string EnvironmentVariable { get; set; } = DefaultEnvironmentVariable;

    /// <summary>Makes a relative <see cref="File"/> absolute against <paramref name="baseDirectory"/> (the folder of the configuration).</summary>
    internal void ResolveFileAgainst(string baseDirectory)
    {
        if (!string.IsNullOrWhiteSpace(File) && !Path.IsPathRooted(File))
        {
            File = Path.GetFullPath(Path.Combine(baseDirectory, File));
        }
    }
}
