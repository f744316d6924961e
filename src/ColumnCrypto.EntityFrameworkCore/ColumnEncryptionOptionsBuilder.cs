using ColumnCrypto.EntityFrameworkCore.Infrastructure;

namespace ColumnCrypto.EntityFrameworkCore;

/// <summary>Settings of <c>UseColumnEncryption</c>.</summary>
public sealed class ColumnEncryptionOptionsBuilder
{
    internal ColumnEncryptionOptionsBuilder(ColumnEncryptionOptionsExtension extension) => Extension = extension;

    internal ColumnEncryptionOptionsExtension Extension { get; private set; }

    /// <summary>Names the data key table (default <c>columncrypto_data_keys</c>, no schema).</summary>
    public ColumnEncryptionOptionsBuilder KeyTable(string name, string? schema = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Extension = Extension.WithKeyTable(name, schema);
        return this;
    }

    /// <summary>
    /// Leaves the data key table out of this context's model, when another context of the same database owns it
    /// (and its migrations).
    /// </summary>
    public ColumnEncryptionOptionsBuilder WithoutKeyTable()
    {
        Extension = Extension.WithoutKeyTable();
        return this;
    }

    /// <summary>
    /// The blind index that searchable properties use. <c>UseColumnEncryption(services)</c> takes the registered one; pass it
    /// here with <c>UseColumnEncryption(encryptor, ...)</c>.
    /// </summary>
    public ColumnEncryptionOptionsBuilder UseBlindIndex(ColumnCrypto.Search.BlindIndex blindIndex)
    {
        ArgumentNullException.ThrowIfNull(blindIndex);
        Extension = Extension.WithBlindIndex(blindIndex);
        return this;
    }

    /// <summary>
    /// Plaintext migration (off by default): values of encrypted columns that carry no ColumnCrypto header are read as
    /// the plaintext written before the column was encrypted, instead of failing. A string is the column's UTF-8 bytes
    /// (binary storage) or its text (base64 storage); a byte[] is the bytes (or their base64 text); other types are
    /// their invariant-culture text (ISO 8601 dates, enums as numbers; see docs/operations.md). Values that start with
    /// ColumnCrypto's magic bytes are always decrypted, so a damaged ciphertext still fails. New writes are encrypted;
    /// the re-encryption (<c>AddReencryption</c>) encrypts the rest. Turn it off once the column is fully encrypted.
    /// </summary>
    public ColumnEncryptionOptionsBuilder AllowPlaintextReads()
    {
        Extension = Extension.WithPlaintextReads();
        return this;
    }
}
