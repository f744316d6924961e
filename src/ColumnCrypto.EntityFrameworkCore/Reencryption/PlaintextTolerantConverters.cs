using System.Linq.Expressions;
using ColumnCrypto.Cryptography;
using ColumnCrypto.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// The binary converter during a plaintext migration (<c>AllowPlaintextReads()</c>): writes encrypt as usual; a stored
/// value without ColumnCrypto's magic bytes is read as legacy plaintext (<see cref="LegacyPlaintext"/>).
/// </summary>
internal sealed class PlaintextTolerantBinaryConverter<T>(ColumnEncryptor encryptor, EncryptedColumn column)
    : ValueConverter<T, byte[]>(ToProvider(encryptor, column), FromProvider(encryptor, column)), IEncryptedValueConverter
{
    public EncryptedColumn Column => column;

    private static Expression<Func<T, byte[]>> ToProvider(ColumnEncryptor encryptor, EncryptedColumn column) =>
        value => encryptor.Encrypt(column, value)!;

    private static Expression<Func<byte[], T>> FromProvider(ColumnEncryptor encryptor, EncryptedColumn column) =>
        stored => PlaintextTolerantRead.FromBinary<T>(encryptor, column, stored);
}

/// <summary>The base64 text converter during a plaintext migration; see <see cref="PlaintextTolerantBinaryConverter{T}"/>.</summary>
internal sealed class PlaintextTolerantBase64Converter<T>(ColumnEncryptor encryptor, EncryptedColumn column)
    : ValueConverter<T, string>(ToProvider(encryptor, column), FromProvider(encryptor, column)), IEncryptedValueConverter
{
    public EncryptedColumn Column => column;

    private static Expression<Func<T, string>> ToProvider(ColumnEncryptor encryptor, EncryptedColumn column) =>
        value => encryptor.EncryptToBase64(column, value)!;

    private static Expression<Func<string, T>> FromProvider(ColumnEncryptor encryptor, EncryptedColumn column) =>
        stored => PlaintextTolerantRead.FromText<T>(encryptor, column, stored);
}

/// <summary>What the plaintext-tolerant converters call when reading.</summary>
internal static class PlaintextTolerantRead
{
    public static T FromBinary<T>(ColumnEncryptor encryptor, EncryptedColumn column, byte[] stored)
    {
        if (CiphertextFormat.HasMagic(stored))
        {
            return encryptor.Decrypt<T>(column, stored)!;
        }

        return Legacy<T>(column, () => LegacyPlaintext.FromBinary(typeof(T), stored));
    }

    public static T FromText<T>(ColumnEncryptor encryptor, EncryptedColumn column, string stored)
    {
        if (StoredValues.Classify(stored, out _, out _) != StoredValueKind.Plaintext)
        {
            return encryptor.DecryptFromBase64<T>(column, stored)!;
        }

        return Legacy<T>(column, () => LegacyPlaintext.FromText(typeof(T), stored));
    }

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
