using ColumnCrypto.Envelope;
using ColumnCrypto.Keys;
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
}
