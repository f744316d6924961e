-- ColumnCrypto blind-index tables for SQLite. Idempotent: safe to run more than once. Run after 0003.
-- The same tables that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_blind_indexes: per searchable encrypted column (same key as columncrypto_encrypted_columns), the
--   column holding its blind index, the normalization of its values and whether every row is indexed ("ready") or an
--   index build is due ("building": lookups are refused until 'columncrypto index' completes it).
-- columncrypto_blind_index_keys: the blind-index keys, one row per index key version of each key table, in the key
--   table's columns: the key only wrapped (master key or KMS), its commitment, its status; recorded in the key table's
--   ring head (columncrypto_key_ring) with the data keys, so rows deleted, added or re-statused fail the ring's check.
-- Tables of their own, so that no existing table is altered (SQLite has no ADD COLUMN IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS "columncrypto_blind_indexes" (
    "table_schema" TEXT NOT NULL,
    "table_name" TEXT NOT NULL,
    "column_name" TEXT NOT NULL,
    "index_column" TEXT NOT NULL,
    "normalization" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "PK_columncrypto_blind_indexes" PRIMARY KEY ("table_schema", "table_name", "column_name")
);
CREATE TABLE IF NOT EXISTS "columncrypto_blind_index_keys" (
    "key_table" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "roll_over_at" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "wrapping_provider" TEXT NOT NULL,
    "wrapping_key_id" TEXT NOT NULL,
    "wrapped_key" BLOB NOT NULL,
    "commitment" BLOB NOT NULL,
    "encryption_count" INTEGER NOT NULL,
    CONSTRAINT "PK_columncrypto_blind_index_keys" PRIMARY KEY ("key_table", "version")
);
