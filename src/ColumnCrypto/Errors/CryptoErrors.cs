using ColumnCrypto.Envelope;
using ColumnCrypto.Keys;
using ColumnCrypto.Keys.Ring;
using ColumnCrypto.Values;

namespace ColumnCrypto.Errors;

/// <summary>Every error message in one place, so wording stays consistent and tests can rely on it.</summary>
internal static class CryptoErrors
{
    private const string AlteredHint = "The value was altered, truncated, or copied from another table or column; restore it from a backup or write it again.";

    public static ColumnDecryptionException Truncated(EncryptedColumn column, int length) =>
        new($"Cannot decrypt a value of {column}: it is {length} bytes long, shorter than the smallest ColumnCrypto value ({EnvelopeLayout.Overhead} bytes). {AlteredHint}",
            column.Table, column.Column, null);

    public static ColumnDecryptionException NotCiphertext(EncryptedColumn column) =>
        new($"Cannot decrypt a value of {column}: it does not start with a ColumnCrypto header (format version 1). {AlteredHint} " +
            "If the column still holds plaintext from before it was encrypted, enable plaintext reads for the migration and run the re-encryption.",
            column.Table, column.Column, null);

    public static ColumnDecryptionException NotBase64(EncryptedColumn column, Exception inner) =>
        new($"Cannot decrypt a value of {column}: it is not base64 text as the column's Base64Text storage requires. {AlteredHint}",
            column.Table, column.Column, null, inner);

    public static ColumnDecryptionException UnknownKeyVersion(EncryptedColumn column, int version, int? newest) =>
        new($"Cannot decrypt a value of {column}: its key version {version} is not in the data key table " +
            $"(newest known version: {(newest is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}; retired keys are not loaded). " +
            "Either the value was altered, or the key was retired or deleted while values still used it.",
            column.Table, column.Column, version);

    public static ColumnDecryptionException AuthenticationFailed(EncryptedColumn column, int version) =>
        new($"Cannot decrypt a value of {column} with key version {version}: the authentication tag does not match. {AlteredHint}",
            column.Table, column.Column, version);

    public static ColumnDecryptionException WrongType(EncryptedColumn column, int version, Type type, Exception inner) =>
        new($"Cannot read the decrypted value of {column} (key version {version}) as {type.Name}: {inner.Message}.",
            column.Table, column.Column, version, inner);

    public static ColumnDecryptionException NullForValueType(EncryptedColumn column, Type type) =>
        new($"Cannot read a value of {column} as {type.Name}: the stored value is null, and {type.Name} cannot hold null. " +
            $"Read it as {type.Name}? (Nullable<{type.Name}>), or keep nulls out of the column.",
            column.Table, column.Column, null);

    public static NotSupportedException UnsupportedType(Type type) =>
        new($"ColumnCrypto cannot encrypt values of type {type}. Supported types: {EncryptedValueType.SupportedTypeNames}.");

    public static ColumnCryptoKeyException NoActiveKey() =>
        new("No active data key exists yet. Call IDataKeyManager.InitializeAsync at start-up (AddColumnCrypto's hosted service does), " +
            "or run 'columncrypto init'.", null);

    public static ColumnCryptoKeyException NoActiveKeyAndNoAutoGeneration() =>
        new("The data key table has no active key, and automatic key creation is off (schedule.autoGenerateKeys: false). " +
            "An operator creates the first key: 'columncrypto init' or 'columncrypto rotate', or DataKeyLifecycle.RotateAsync.", null);

    public static ColumnCryptoKeyException NoWrapperFor(DataKeyRecord record, IEnumerable<string> configured) =>
        new($"Data key version {record.Version} is wrapped by {record.WrappingProvider} key '{record.WrappingKeyId}', but the configured key-encryption " +
            $"key is {string.Join(", ", configured)}. Configure the master key or KMS key that wrapped it, or rewrap the data keys under the new one.",
            record.Version);

    public static ColumnCryptoKeyException UnwrapFailed(DataKeyRecord record, Exception inner) =>
        new($"Cannot unwrap data key version {record.Version} with {record.WrappingProvider} key '{record.WrappingKeyId}': {inner.Message} " +
            "The key row was altered, or the wrapping key is not the one that wrapped it. No new data key is created while keys cannot be read.",
            record.Version, inner);

    public static ColumnCryptoKeyException CommitmentMismatch(DataKeyRecord record) =>
        new($"Data key version {record.Version} failed its commitment check: the key row was substituted or tampered with. " +
            "Restore the data key table from a backup. No new data key is created while keys cannot be verified.",
            record.Version);

    public static ColumnCryptoKeyException VerificationFailed(int version, string wrapper) =>
        new($"The new data key version {version} did not unwrap to the same key with {wrapper}; nothing was written.", version);

    public static ColumnCryptoKeyRingException KeyRingInconsistent(DataKeyTableSnapshot table, IReadOnlyList<string> problems) =>
        new($"The key table {table.KeyTable} failed its integrity check{(table.Head is { } head ? $" against its ring head ({table.RingHeadTable}, generation {head.Generation})" : "")}: " +
            $"{string.Join("; ", problems)}. The key table was changed outside ColumnCrypto (or restored without its ring head). No data key is created, " +
            $"and a running application keeps the keys it verified before. Restore {table.KeyTable} together with {table.RingHeadTable} from the same backup.",
            table.KeyTable, problems);

    public static ColumnCryptoKeyRingException RingHeadMissing(DataKeyTableSnapshot table, int version) =>
        KeyRingInconsistent(table, [$"version {version} was written under a ring head, but the table has none any more: the ring head was deleted"]);

    public static ColumnCryptoKeyException NoWrapperForRingKey(DataKeyTableSnapshot table, KeyRingHead head, IEnumerable<string> configured) =>
        new($"The ring head of the key table {table.KeyTable} ({table.RingHeadTable}) is wrapped by {head.RingKeyWrappingProvider} key '{head.RingKeyWrappingKeyId}', " +
            $"but the configured key-encryption key is {string.Join(", ", configured)}. Configure the master key or KMS key that wrapped it, or rewrap the data keys under the new one.",
            null);

    public static ColumnCryptoKeyException RingKeyUnwrapFailed(DataKeyTableSnapshot table, KeyRingHead head, Exception inner) =>
        new($"Cannot unwrap the ring key of the key table {table.KeyTable} ({table.RingHeadTable}) with {head.RingKeyWrappingProvider} key '{head.RingKeyWrappingKeyId}': {inner.Message} " +
            "The ring head was altered, or the wrapping key is not the one that wrapped it. No new data key is created while the key ring cannot be verified.",
            null, inner);

    public static ColumnCryptoKeyException RingKeyVerificationFailed(string wrapper) =>
        new($"The new ring key did not unwrap to the same key with {wrapper}; nothing was written.", null);

    public static ColumnCryptoRefusedException FirstKeyOverExistingData(string keyTable, IReadOnlyList<string> columns, string confirmation) =>
        new($"The key table {keyTable} has no key, but encrypted columns already hold values: {string.Join(", ", columns.Take(5))}" +
            $"{(columns.Count > 5 ? $" and {columns.Count - 5} more columns" : "")}. Creating a first key now would " +
            "start a new key ring that cannot read them. The key table was probably lost or deleted: restore it (and its ring head) from a backup. " +
            "To start a new key ring anyway (the values under the lost keys stay unreadable; new keys are numbered above every version the values name), " +
            $"run 'columncrypto new-key-ring --confirm \"{confirmation}\"', or call DataKeyLifecycle.StartNewKeyRingAsync with that text.",
            (int?)null);

    public static ColumnCryptoKeyException ReservationFailed(DataKey key, string keyTable, Exception inner) =>
        new($"Cannot encrypt with data key version {key.Version}: this process has used every encryption it reserved in the key table {keyTable}, " +
            $"and reserving more failed: {inner.Message} Writes fail until a reservation succeeds, because encrypting more than the key table counts " +
            "could exceed schedule.maxEncryptionsPerKey unnoticed. Check that the database is reachable and accepts updates of the key table's encryption_count.",
            key.Version, inner);

    public static ColumnCryptoKeyException CountLowered(int version, string keyTable, long seen, long stored) =>
        new($"The encryption count of data key version {version} in the key table {keyTable} went down from {seen} (seen by this process) to {stored}: " +
            "it was lowered outside ColumnCrypto, which would let the key exceed schedule.maxEncryptionsPerKey. This process encrypts nothing more with " +
            "that key; restore the count (or the key table) and restart, or roll over to a new key ('columncrypto rotate').",
            version);

    public static ColumnCryptoKeyException BoundReachedAndNoAutoGeneration(int version, long bound) =>
        new($"Data key version {version} has reached its encryption bound ({bound}, schedule.maxEncryptionsPerKey) and automatic key creation is off " +
            "(schedule.autoGenerateKeys: false): writes fail until an operator creates the next key ('columncrypto rotate' or DataKeyLifecycle.RotateAsync).",
            version);
}
