namespace ColumnCrypto.Dapper;

/// <summary><see cref="ColumnEncryptor"/> with typed column handles, for Dapper parameters and results.</summary>
public static class ColumnEncryptorDapperExtensions
{
    /// <summary>
    /// Encrypts <paramref name="value"/> for <paramref name="column"/> under the newest data key, as a Dapper parameter
    /// value: <c>new { Email = encryptor.Encrypt(Shop.Email, "ada@example.com") }</c>. Null gives null (SQL NULL).
    /// </summary>
    public static Encrypted<T>? Encrypt<T>(this ColumnEncryptor encryptor, EncryptedColumn<T> column, T? value)
    {
        ArgumentNullException.ThrowIfNull(encryptor);
        ArgumentNullException.ThrowIfNull(column);
        EncryptedTypeHandler<T>.EnsureRegistered();
        return encryptor.Encrypt(column.Identity, value) is { } ciphertext ? new Encrypted<T>(ciphertext, column.Storage) : null;
    }

    /// <summary>
    /// Decrypts a value of <paramref name="column"/> read by Dapper into an <see cref="Encrypted{T}"/> property. Null
    /// (SQL NULL) gives null; a null read as a non-nullable value type is an error naming the column, not a silent 0.
    /// </summary>
    /// <exception cref="ColumnDecryptionException">The value is not a ColumnCrypto value of this column, was altered, or names an unknown key version.</exception>
    public static T? Decrypt<T>(this ColumnEncryptor encryptor, EncryptedColumn<T> column, Encrypted<T>? stored)
    {
        ArgumentNullException.ThrowIfNull(encryptor);
        ArgumentNullException.ThrowIfNull(column);
        return stored is null ? encryptor.Decrypt<T>(column.Identity, (byte[]?)null) : encryptor.Decrypt<T>(column.Identity, stored.Ciphertext);
    }
}
