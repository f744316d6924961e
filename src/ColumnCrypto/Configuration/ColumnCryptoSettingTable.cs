namespace ColumnCrypto.Configuration;

/// <summary>
/// The one list of settings the YAML file may contain: dotted path → parser, option property and rule. Sections
/// (<c>schedule</c>, <c>plugins.awsKms</c>, ...) are the prefixes of these paths. To add a setting, add a line here
/// (and its property to <see cref="ColumnCryptoOptions"/>); loading, unknown-key suggestions and validation follow.
/// </summary>
internal static class ColumnCryptoSettingTable
{
    /// <summary>The most values one data key may encrypt: 2^32 random 96-bit GCM nonces (NIST SP 800-38D, 8.3).</summary>
    public const long MaxEncryptionsPerKeyLimit = 1L << 32;

    /// <summary>The only supported <c>plugins.awsKms.plugin</c> value.</summary>
    public const string AwsKmsPluginName = "awsKms";

    /// <summary>Every setting, in documentation order.</summary>
    public static IReadOnlyList<ColumnCryptoSetting> Settings { get; } =
    [
        ColumnCryptoSetting.Int32("schedule.dataKeyRollOverLength", "a positive whole number of days",
            $"Set it to the rollover length in days (default {ScheduleOptions.DefaultDataKeyRollOverLength}).",
            o => o.Schedule.DataKeyRollOverLength, (o, v) => o.Schedule.DataKeyRollOverLength = v, v => v > 0),
        ColumnCryptoSetting.Int32("schedule.rollOverCheckInterval", "a positive whole number of minutes",
            "Set it to how often, in minutes, applications check whether a rollover is due (default 60).",
            o => o.Schedule.RollOverCheckInterval, (o, v) => o.Schedule.RollOverCheckInterval = v, v => v > 0),
        ColumnCryptoSetting.Int64("schedule.maxEncryptionsPerKey", $"a whole number from 1 to {MaxEncryptionsPerKeyLimit} (2^32)",
            $"Set it to at most 2^32, the safe limit for random AES-GCM nonces (default {1L << 31}).",
            o => o.Schedule.MaxEncryptionsPerKey, (o, v) => o.Schedule.MaxEncryptionsPerKey = v,
            v => v is > 0 and <= MaxEncryptionsPerKeyLimit),

        ColumnCryptoSetting.Text("plugins.awsKms.plugin", $"'{AwsKmsPluginName}'",
            $"ColumnCrypto supports only AWS KMS: write 'plugin: {AwsKmsPluginName}'.",
            o => o.Plugins.AwsKms?.Plugin, (o, v) => AwsKms(o).Plugin = v, v => v is null or AwsKmsPluginName),
        ColumnCryptoSetting.Boolean("plugins.awsKms.isKms",
            "Set it to true to wrap data keys with this KMS key, or false to use the local master key.",
            o => o.Plugins.AwsKms?.IsKms ?? false, (o, v) => AwsKms(o).IsKms = v),
        ColumnCryptoSetting.Text("plugins.awsKms.keyId", "a KMS key id, key ARN or alias",
            "Set it to the KMS key that wraps data keys, for example alias/column-crypto.",
            o => o.Plugins.AwsKms?.KeyId, (o, v) => AwsKms(o).KeyId = v),
        ColumnCryptoSetting.Text("plugins.awsKms.region", "an AWS region name",
            "Set it to the region of the KMS key, for example us-east-1.",
            o => o.Plugins.AwsKms?.Region, (o, v) => AwsKms(o).Region = v),
        ColumnCryptoSetting.Text("plugins.awsKms.serviceUrl", "an absolute http or https URL",
            "Set it to the KMS endpoint, for example https://kms.us-east-1.amazonaws.com, or remove it to use the region's endpoint.",
            o => o.Plugins.AwsKms?.ServiceUrl, (o, v) => AwsKms(o).ServiceUrl = v, v => v is null || IsHttpUrl(v)),
        ColumnCryptoSetting.Text("plugins.awsKms.extraKmsConfig.credentials.accessKeyId", "an AWS access key id",
            "Set it to the access key id, or remove the credentials to use an IAM role.",
            o => o.Plugins.AwsKms?.ExtraKmsConfig?.Credentials?.AccessKeyId, (o, v) => Credentials(o).AccessKeyId = v),
        ColumnCryptoSetting.Secret("plugins.awsKms.extraKmsConfig.credentials.secretAccessKey", "a single text value",
            "Set it to the secret access key, preferably as ${AWS_SECRET_ACCESS_KEY}, or remove the credentials to use an IAM role.",
            o => o.Plugins.AwsKms?.ExtraKmsConfig?.Credentials?.SecretAccessKey, (o, v) => Credentials(o).SecretAccessKey = v),
        ColumnCryptoSetting.Secret("plugins.awsKms.extraKmsConfig.credentials.sessionToken", "a single text value",
            "Set it to the session token of temporary credentials, preferably as ${AWS_SESSION_TOKEN}, or remove it.",
            o => o.Plugins.AwsKms?.ExtraKmsConfig?.Credentials?.SessionToken, (o, v) => Credentials(o).SessionToken = v),

        ColumnCryptoSetting.Text("masterKey.file", "a file path",
            "Set it to the file holding the base64-encoded master key, or remove it to read the key from masterKey.environmentVariable.",
            o => o.MasterKey.File, (o, v) => o.MasterKey.File = v, v => v is null || !string.IsNullOrWhiteSpace(v)),
        ColumnCryptoSetting.RequiredText("masterKey.environmentVariable", "an environment variable name",
            $"Set it to the variable holding the base64-encoded master key (default {MasterKeyOptions.DefaultEnvironmentVariable}).",
            o => o.MasterKey.EnvironmentVariable, (o, v) => o.MasterKey.EnvironmentVariable = v, v => !string.IsNullOrWhiteSpace(v)),

        // Background re-encryption (ReencryptionOptions).
        ColumnCryptoSetting.Int32("reencryption.batchSize", $"a whole number from 1 to {ReencryptionOptions.MaxBatchSize}",
            $"Set it to the rows re-encrypted per batch and transaction (default {ReencryptionOptions.DefaultBatchSize}).",
            o => o.Reencryption.BatchSize, (o, v) => o.Reencryption.BatchSize = v, v => v is > 0 and <= ReencryptionOptions.MaxBatchSize),
        ColumnCryptoSetting.Int32("reencryption.interval", "a positive whole number of minutes",
            "Set it to the minutes between two background re-encryption runs (default 60).",
            o => o.Reencryption.Interval, (o, v) => o.Reencryption.Interval = v, v => v > 0),
        ColumnCryptoSetting.Int32("reencryption.pauseBetweenBatches", "a whole number of milliseconds, 0 or more",
            "Set it to the pause after each batch in milliseconds, or 0 for none (default 20).",
            o => o.Reencryption.PauseBetweenBatches, (o, v) => o.Reencryption.PauseBetweenBatches = v, v => v >= 0),
        ColumnCryptoSetting.Int32("reencryption.workers", $"a whole number from 1 to {ReencryptionOptions.MaxWorkers}",
            "Set it to the parallel re-encryption workers per process (default 1; SQLite always uses 1).",
            o => o.Reencryption.Workers, (o, v) => o.Reencryption.Workers = v, v => v is > 0 and <= ReencryptionOptions.MaxWorkers),
    ];

    // Shown when a section gets a key it does not know, where a list of names alone would not explain enough.
    private static readonly Dictionary<string, string> UnknownKeyNotes = new(StringComparer.Ordinal)
    {
        ["plugins"] = $"ColumnCrypto supports only the '{AwsKmsPluginName}' plugin (AWS KMS).",
    };

    private static readonly Dictionary<string, ColumnCryptoSetting> SettingsByPath =
        Settings.ToDictionary(s => s.Path, StringComparer.Ordinal);

    // Section path ("" for the top level) → the names of its children, in table order.
    private static readonly Dictionary<string, List<string>> ChildrenBySection = BuildSections();

    /// <summary>The setting at <paramref name="path"/>, or null.</summary>
    public static ColumnCryptoSetting? FindSetting(string path) => SettingsByPath.GetValueOrDefault(path);

    /// <summary>Whether <paramref name="path"/> is a section ("" is the top level).</summary>
    public static bool IsSection(string path) => ChildrenBySection.ContainsKey(path);

    /// <summary>The names allowed directly under a section ("" for the top level).</summary>
    public static IReadOnlyList<string> ChildNames(string sectionPath) => ChildrenBySection[sectionPath];

    /// <summary>Every known path, sections and settings, for suggesting where a misplaced key belongs.</summary>
    public static IEnumerable<string> AllPaths => ChildrenBySection.Keys.Where(k => k.Length > 0).Concat(SettingsByPath.Keys);

    /// <summary>An extra sentence for an unknown key in <paramref name="sectionPath"/>, or null.</summary>
    public static string? UnknownKeyNote(string sectionPath) => UnknownKeyNotes.GetValueOrDefault(sectionPath);

    /// <summary>
    /// Whether a key looks like a setting name and may be echoed in messages. Anything else (spaces, ':', '/') may
    /// be a value that lost its line break or space, possibly a secret, so it is not shown.
    /// </summary>
    public static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 64 && !char.IsAsciiDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static Dictionary<string, List<string>> BuildSections()
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var setting in Settings)
        {
            var parent = "";
            foreach (var name in setting.Path.Split('.'))
            {
                var children = sections.TryGetValue(parent, out var list) ? list : sections[parent] = [];
                if (!children.Contains(name))
                {
                    children.Add(name);
                }

                parent = parent.Length == 0 ? name : $"{parent}.{name}";
            }
        }

        return sections;
    }

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static AwsKmsOptions AwsKms(ColumnCryptoOptions options) => options.Plugins.AwsKms ??= new AwsKmsOptions();

    private static AwsCredentialsOptions Credentials(ColumnCryptoOptions options) =>
        (AwsKms(options).ExtraKmsConfig ??= new ExtraKmsConfigOptions()).Credentials ??= new AwsCredentialsOptions();
}
