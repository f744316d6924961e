namespace ColumnCrypto.Configuration;

/// <summary>
/// The core's settings: dotted path → parser, option property and rule, in documentation order. To add a setting, add
/// a line here (and its property to <see cref="ColumnCryptoOptions"/>); binding from every source, unknown-key
/// suggestions and validation follow. Plugins bring their own tables (<see cref="IColumnCryptoPlugin.Settings"/>).
/// </summary>
internal static class ColumnCryptoSettingTable
{
    /// <summary>The most values one data key may encrypt: 2^32 random 96-bit GCM nonces (NIST SP 800-38D, 8.3).</summary>
    public const long MaxEncryptionsPerKeyLimit = 1L << 32;

    // Upper bounds of the settings that feed time arithmetic: far above any sensible value, far below what TimeSpan,
    // DateTimeOffset and Task.Delay (about 49 days) can hold, so a typo fails here with its file and line, not later.
    internal const int MaxRollOverLengthDays = 36_500;
    internal const int MaxIntervalMinutes = 43_200;
    internal const int MaxPauseMilliseconds = 600_000;

    /// <summary>The core's settings outside <c>plugins:</c>.</summary>
    public static ColumnCryptoSettings<ColumnCryptoOptions> Core { get; } = new ColumnCryptoSettings<ColumnCryptoOptions>()
        .WholeNumber("schedule.dataKeyRollOverLength", $"a whole number of days from 1 to {MaxRollOverLengthDays} (100 years)",
            $"Set it to the rollover length in days (default {ScheduleOptions.DefaultDataKeyRollOverLength}).",
            o => o.Schedule.DataKeyRollOverLength, (o, v) => o.Schedule.DataKeyRollOverLength = v, v => v is > 0 and <= MaxRollOverLengthDays)
        .WholeNumber("schedule.rollOverCheckInterval", $"a whole number of minutes from 1 to {MaxIntervalMinutes} (30 days)",
            "Set it to how often, in minutes, applications check whether a rollover is due (default 60).",
            o => o.Schedule.RollOverCheckInterval, (o, v) => o.Schedule.RollOverCheckInterval = v, v => v is > 0 and <= MaxIntervalMinutes)
        .WholeNumber("schedule.maxEncryptionsPerKey", $"a whole number from 1 to {MaxEncryptionsPerKeyLimit} (2^32)",
            $"Set it to at most 2^32, the safe limit for random AES-GCM nonces (default {1L << 31}).",
            o => o.Schedule.MaxEncryptionsPerKey, (o, v) => o.Schedule.MaxEncryptionsPerKey = v,
            v => v is > 0 and <= MaxEncryptionsPerKeyLimit)
        .Boolean("schedule.autoGenerateKeys",
            "Set it to true (the default) to let ColumnCrypto create data keys on an empty key table and on schedule, or false so that only an operator creates them (columncrypto rotate).",
            o => o.Schedule.AutoGenerateKeys, (o, v) => o.Schedule.AutoGenerateKeys = v)
        .Text("masterKey.file", "a file path",
            "Set it to the file holding the base64-encoded master key, or remove it to read the key from masterKey.environmentVariable.",
            o => o.MasterKey.File, (o, v) => o.MasterKey.File = v, v => v is null || !string.IsNullOrWhiteSpace(v))
        .RequiredText("masterKey.environmentVariable", "an environment variable name",
            $"Set it to the variable holding the base64-encoded master key (default {MasterKeyOptions.DefaultEnvironmentVariable}).",
            o => o.MasterKey.EnvironmentVariable, (o, v) => o.MasterKey.EnvironmentVariable = v, v => !string.IsNullOrWhiteSpace(v))

        // Background re-encryption (ReencryptionOptions).
        .WholeNumber("reencryption.batchSize", $"a whole number from 1 to {ReencryptionOptions.MaxBatchSize}",
            $"Set it to the rows re-encrypted per batch and transaction (default {ReencryptionOptions.DefaultBatchSize}).",
            o => o.Reencryption.BatchSize, (o, v) => o.Reencryption.BatchSize = v, v => v is > 0 and <= ReencryptionOptions.MaxBatchSize)
        .WholeNumber("reencryption.interval", $"a whole number of minutes from 1 to {MaxIntervalMinutes} (30 days)",
            "Set it to the minutes between two background re-encryption runs (default 60).",
            o => o.Reencryption.Interval, (o, v) => o.Reencryption.Interval = v, v => v is > 0 and <= MaxIntervalMinutes)
        .WholeNumber("reencryption.pauseBetweenBatches", $"a whole number of milliseconds from 0 to {MaxPauseMilliseconds} (10 minutes)",
            "Set it to the pause after each batch in milliseconds, or 0 for none (default 20).",
            o => o.Reencryption.PauseBetweenBatches, (o, v) => o.Reencryption.PauseBetweenBatches = v, v => v is >= 0 and <= MaxPauseMilliseconds)
        .WholeNumber("reencryption.workers", $"a whole number from 1 to {ReencryptionOptions.MaxWorkers}",
            "Set it to the parallel re-encryption workers per process (default 1; SQLite always uses 1).",
            o => o.Reencryption.Workers, (o, v) => o.Reencryption.Workers = v, v => v is > 0 and <= ReencryptionOptions.MaxWorkers)

        // The AES-256-GCM implementation (same bytes either way).
        .Choice("cipher",
            "Set it to auto (the default: libsodium's AES-256-GCM where the CPU supports it, otherwise the platform's AesGcm), platform (the platform's AesGcm only, for FIPS deployments) or libsodium.",
            o => o.Cipher, (o, v) => o.Cipher = v);

    /// <summary>The two settings the product documentation puts in every plugin section, for the plugin <paramref name="name"/>.</summary>
    public static ColumnCryptoSettings<ColumnCryptoPluginOptions> PluginSection(string name) => new ColumnCryptoSettings<ColumnCryptoPluginOptions>()
        .Text("plugin", $"'{name}'", $"Write 'plugin: {name}', the name of its section.",
            o => o.Plugin, (o, v) => o.Plugin = v, v => v is null || v == name)
        .Boolean("isKms", "Set it to true to wrap data keys with this KMS key, or false to use the local master key.",
            o => o.IsKms, (o, v) => o.IsKms = v);
}
