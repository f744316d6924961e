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
}
