using System.ComponentModel;

namespace ColumnCrypto.EntityFrameworkCore.Metadata;

// Public (and hidden from IntelliSense) because an application's compiled model (dotnet ef dbcontext optimize) is
// generated code in the application's assembly that names these types; their columns are documented once, in
// ColumnCryptoTables (ColumnCrypto.Data), so the members carry no documentation of their own.
#pragma warning disable CS1591

// The CLR shapes EF Core maps ColumnCrypto's registry, progress, key ring and blind-index tables to (the key table maps DataKeyRecord).
// EF orders the columns of a property bag alphabetically, and a column-order annotation would make every existing
// application's next migration alter these tables; so the order comes from these declarations instead. The columns
// themselves are ColumnCryptoTables' definitions: ColumnCryptoTablesConvention maps each property to the definition's
// column of the same (snake_case) name, in the same position, and fails the model if the two ever disagree.

/// <summary>A row of <c>columncrypto_encrypted_columns</c>, for migrations only; ColumnCrypto reads and writes it with its own SQL.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EncryptedColumnRow
{
    public string TableSchema { get; set; } = string.Empty;

    public string TableName { get; set; } = string.Empty;

    public string ColumnName { get; set; } = string.Empty;

    public string KeyColumns { get; set; } = string.Empty;

    public string Storage { get; set; } = string.Empty;

    public string EncryptionContext { get; set; } = string.Empty;

    public string ValueType { get; set; } = string.Empty;

    public string ClrType { get; set; } = string.Empty;

    public bool PlaintextAllowed { get; set; }

    public string ContextType { get; set; } = string.Empty;

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A row of <c>columncrypto_reencryption_progress</c>, for migrations only; ColumnCrypto writes it with its own SQL.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ReencryptionProgressRow
{
    public string TableSchema { get; set; } = string.Empty;

    public string TableName { get; set; } = string.Empty;

    public string ColumnName { get; set; } = string.Empty;

    public int TargetVersion { get; set; }

    public long TotalValues { get; set; }

    public long DoneValues { get; set; }

    public long FailedValues { get; set; }

    public string Status { get; set; } = string.Empty;

    public double RowsPerSecond { get; set; }

    public string? LastKey { get; set; }

    public string? Worker { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A row of <c>columncrypto_key_ring</c>, for migrations only; ColumnCrypto reads and writes it with its own SQL.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class KeyRingRow
{
    public string KeyTable { get; set; } = string.Empty;

    public long Generation { get; set; }

    public string Manifest { get; set; } = string.Empty;

    public byte[] Mac { get; set; } = [];

    public string RingKeyWrappingProvider { get; set; } = string.Empty;

    public string RingKeyWrappingKeyId { get; set; } = string.Empty;

    public byte[] WrappedRingKey { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A row of <c>columncrypto_blind_indexes</c>, for migrations only; ColumnCrypto reads and writes it with its own SQL.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BlindIndexRow
{
    public string TableSchema { get; set; } = string.Empty;

    public string TableName { get; set; } = string.Empty;

    public string ColumnName { get; set; } = string.Empty;

    public string IndexColumn { get; set; } = string.Empty;

    public string Normalization { get; set; } = string.Empty;

    public string Status { get; set; } = string.Empty;

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A row of <c>columncrypto_blind_index_keys</c>, for migrations only: the key table's name, then the properties of
/// <see cref="ColumnCrypto.Keys.DataKeyRecord"/> in its order (the convention checks them against the table's definition).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BlindIndexKeyRow
{
    public string KeyTable { get; set; } = string.Empty;

    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset RollOverAt { get; set; }

    public ColumnCrypto.Keys.DataKeyStatus Status { get; set; }

    public string WrappingProvider { get; set; } = string.Empty;

    public string WrappingKeyId { get; set; } = string.Empty;

    public byte[] WrappedKey { get; set; } = [];

    public byte[] Commitment { get; set; } = [];

    public long EncryptionCount { get; set; }
}
#pragma warning restore CS1591
