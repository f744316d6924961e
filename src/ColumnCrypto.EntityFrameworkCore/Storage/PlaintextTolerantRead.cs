using ColumnCrypto.Data.Plaintext;
using ColumnCrypto.Envelope;

namespace ColumnCrypto.EntityFrameworkCore.Storage;

/// <summary>
/// How the converters read during a plaintext migration (<c>AllowPlaintextReads()</c>): a stored value without
/// ColumnCrypto's header is read as legacy plaintext (<see cref="LegacyPlaintext"/>); anything else is decrypted, so a
/// damaged ciphertext still fails.
/// </summary>
internal static class PlaintextTolerantRead
{
    public static T FromBinary<T>(ColumnEncryptor encryptor, EncryptedColumn column, byte[] stored) =>
        StoredValue.Classify(stored, out _) != StoredValueKind.Plaintext
            ? encryptor.Decrypt<T>(column, stored)!
            : Legacy<T>(column, () => LegacyPlaintext.FromBinary(typeof(T), stored));

    public static T FromText<T>(ColumnEncryptor encryptor, EncryptedColumn column, string stored) =>
        StoredValue.Classify(stored, out _, out _) != StoredValueKind.Plaintext
            ? encryptor.DecryptFromBase64<T>(column, stored)!
            : Legacy<T>(column, () => LegacyPlaintext.FromText(typeof(T), stored));

    private static T Legacy<T>(EncryptedColumn column, Func<object> read)
    {
        try
        {
            return (T)read();
        }
        catch (FormatException e)
        {
            throw new ColumnDecryptionException(
                $"Cannot read the plaintext value of {column} as {typeof(T).Name} during the plaintext migration: {e.Message}. " +
                "See docs/operations.md for the forms plaintext values must have.",
                column.Table, column.Column, null, e);
        }
    }
}
