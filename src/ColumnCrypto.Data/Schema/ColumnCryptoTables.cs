namespace ColumnCrypto.Data.Schema;

/// <summary>
/// ColumnCrypto's own tables, defined once: the EF Core mapping (so migrations create them), the SQL key store, the
/// registry, the re-encryption progress, the schema creator (<see cref="ColumnCryptoSchema"/>) and the test of the
/// scripts in <c>migrations/</c> all use these definitions. The key table may be renamed and put in a schema
/// (<c>KeyTable(name, schema)</c>); the other tables live in the key table's schema.
/// </summary>
public static class ColumnCryptoTables
{
    /// <summary>Every table, in creation order.</summary>
    public static IReadOnlyList<TableDefinition> All { get; } =
        [DataKeysTable.Definition, EncryptedColumnsTable.Definition, ReencryptionProgressTable.Definition, KeyRingTable.Definition, BlindIndexesTable.Definition, BlindIndexKeysTable.Definition];
}

/// <summary>The data key table: one row per data key version, the key stored only wrapped.</summary>
public static class DataKeysTable
{
    /// <summary>The default table name.</summary>
    public const string DefaultName = "columncrypto_data_keys";

    /// <summary>The key version (primary key): 1 for the first key, one more for each rollover.</summary>
    public const string Version = "version";

    /// <summary>When the key was created.</summary>
    public const string CreatedAt = "created_at";

    /// <summary>When the schedule replaces the key.</summary>
    public const string RollOverAt = "roll_over_at";

    /// <summary>The status (<c>DataKeyStatus</c> as a number).</summary>
    public const string Status = "status";

    /// <summary>The wrapping provider (<c>local</c>, <c>awsKms</c>).</summary>
    public const string WrappingProvider = "wrapping_provider";

    /// <summary>The wrapping key's id (master key fingerprint, KMS key id).</summary>
    public const string WrappingKeyId = "wrapping_key_id";

    /// <summary>The wrapped data key.</summary>
    public const string WrappedKey = "wrapped_key";

    /// <summary>The HMAC commitment of the key to its version and creation time.</summary>
    public const string Commitment = "commitment";

    /// <summary>The encryptions reserved under the key by all instances.</summary>
    public const string EncryptionCount = "encryption_count";

    /// <summary>The table's definition.</summary>
    public static TableDefinition Definition { get; } = new(DefaultName,
    [
        new(Version, ColumnKind.Number),
        new(CreatedAt, ColumnKind.Timestamp),
        new(RollOverAt, ColumnKind.Timestamp),
        new(Status, ColumnKind.Number),
        new(WrappingProvider, ColumnKind.Text, 32),
        new(WrappingKeyId, ColumnKind.Text, 2048),
        new(WrappedKey, ColumnKind.Bytes),
        new(Commitment, ColumnKind.Bytes),
        new(EncryptionCount, ColumnKind.LongNumber),
    ], [Version]);
}

/// <summary>
/// The key ring's authenticated head: one row per key table (in the key table's schema), rewritten in the same
/// transaction as every change of the key rows. Its manifest records every key row (purpose, version, status,
/// commitment); its MAC is under a ring key stored only wrapped by the master key or KMS.
/// </summary>
public static class KeyRingTable
{
    /// <summary>The table name.</summary>
    public const string Name = "columncrypto_key_ring";

    /// <summary>The key table the head belongs to (primary key): its name, as the application names it.</summary>
    public const string KeyTable = "key_table";

    /// <summary>The head's generation: one more for each change of the key ring.</summary>
    public const string Generation = "generation";

    /// <summary>The manifest: one line per key row.</summary>
    public const string Manifest = "manifest";

    /// <summary>HMAC-SHA256 under the ring key over the generation and the manifest.</summary>
    public const string Mac = "mac";

    /// <summary>The ring key's wrapping provider.</summary>
    public const string RingKeyWrappingProvider = "ring_key_wrapping_provider";

    /// <summary>The ring key's wrapping key id.</summary>
    public const string RingKeyWrappingKeyId = "ring_key_wrapping_key_id";

    /// <summary>The wrapped ring key.</summary>
    public const string WrappedRingKey = "wrapped_ring_key";

    /// <summary>When the head was written.</summary>
    public const string UpdatedAt = "updated_at";

    /// <summary>The table's definition.</summary>
    public static TableDefinition Definition { get; } = new(Name,
    [
        new(KeyTable, ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new(Generation, ColumnKind.LongNumber),
        new(Manifest, ColumnKind.Text),
        new(Mac, ColumnKind.Bytes),
        new(RingKeyWrappingProvider, ColumnKind.Text, 32),
        new(RingKeyWrappingKeyId, ColumnKind.Text, 2048),
        new(WrappedRingKey, ColumnKind.Bytes),
        new(UpdatedAt, ColumnKind.Timestamp),
    ], [KeyTable]);
}

/// <summary>The encrypted-column registry: one row per encrypted column, what re-encryption, coverage and retirement visit.</summary>
public static class EncryptedColumnsTable
{
    /// <summary>The table name.</summary>
    public const string Name = "columncrypto_encrypted_columns";

    /// <summary>Identifier length bound of the name columns.</summary>
    public const int NameLength = 128;

    /// <summary>The table's definition.</summary>
    public static TableDefinition Definition { get; } = new(Name,
    [
        new("table_schema", ColumnKind.Text, NameLength),
        new("table_name", ColumnKind.Text, NameLength),
        new("column_name", ColumnKind.Text, NameLength),
        new("key_columns", ColumnKind.Text, 1024),
        new("storage", ColumnKind.Text, 16),
        new("encryption_context", ColumnKind.Text, 512),
        new("value_type", ColumnKind.Text, 32),
        new("clr_type", ColumnKind.Text, 512),
        new("plaintext_allowed", ColumnKind.Flag),
        new("context_type", ColumnKind.Text, 512),
        new("updated_at", ColumnKind.Timestamp),
    ], ["table_schema", "table_name", "column_name"]);
}

/// <summary>The re-encryption progress: one row per encrypted column, the latest run's target version and counts.</summary>
public static class ReencryptionProgressTable
{
    /// <summary>The table name.</summary>
    public const string Name = "columncrypto_reencryption_progress";

    /// <summary>The table's definition.</summary>
    public static TableDefinition Definition { get; } = new(Name,
    [
        new("table_schema", ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new("table_name", ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new("column_name", ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new("target_version", ColumnKind.Number),
        new("total_values", ColumnKind.LongNumber),
        new("done_values", ColumnKind.LongNumber),
        new("failed_values", ColumnKind.LongNumber),
        new("status", ColumnKind.Text, 16),
        new("rows_per_second", ColumnKind.Fraction),
        new("last_key", ColumnKind.Text, 1024, IsNullable: true),
        new("worker", ColumnKind.Text, 256, IsNullable: true),
        new("started_at", ColumnKind.Timestamp),
        new("updated_at", ColumnKind.Timestamp),
    ], ["table_schema", "table_name", "column_name"]);
}

/// <summary>
/// The blind indexes of searchable encrypted columns: one row per searchable column of the encrypted-column registry
/// (same key), with its index column, the normalization its indexes use and whether every row has one. A table of its
/// own rather than columns added to the registry, so that creating it is idempotent on every database (SQLite has no
/// <c>ADD COLUMN IF NOT EXISTS</c>) and existing tables are never altered.
/// </summary>
public static class BlindIndexesTable
{
    /// <summary>The table name.</summary>
    public const string Name = "columncrypto_blind_indexes";

    /// <summary>The table's definition.</summary>
    public static TableDefinition Definition { get; } = new(Name,
    [
        new("table_schema", ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new("table_name", ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new("column_name", ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new("index_column", ColumnKind.Text, EncryptedColumnsTable.NameLength),
        new("normalization", ColumnKind.Text, 64),
        new("status", ColumnKind.Text, 16),
        new("updated_at", ColumnKind.Timestamp),
    ], ["table_schema", "table_name", "column_name"]);
}

/// <summary>
/// The blind-index keys (the keys of searchable columns' indexes): the key table's columns, one row per index key
/// version of each key table (in the key table's schema), the key stored only wrapped; recorded in the key table's ring
/// head with the data keys. Not on the rollover schedule: <c>roll_over_at</c> is the creation time and
/// <c>encryption_count</c> stays 0.
/// </summary>
public static class BlindIndexKeysTable
{
    /// <summary>The table name.</summary>
    public const string Name = "columncrypto_blind_index_keys";

    /// <summary>The key table the index keys belong to (first column of the primary key), as the application names it.</summary>
    public const string KeyTable = "key_table";

    /// <summary>The table's definition: the key table's name, then the key table's own columns.</summary>
    public static TableDefinition Definition { get; } = new(Name,
        [new(KeyTable, ColumnKind.Text, EncryptedColumnsTable.NameLength), .. DataKeysTable.Definition.Columns],
        [KeyTable, DataKeysTable.Version]);
}
