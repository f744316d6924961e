-- ColumnCrypto blind-index table for SQLite. Idempotent: safe to run more than once. Run after 0003.
-- The same table that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_blind_indexes: per searchable encrypted column (same key as columncrypto_encrypted_columns), the
--   column holding its blind index, the normalization of its values and whether every row is indexed ("ready") or an
--   index build is due ("building": lookups are refused until 'columncrypto index' completes it).
-- A table of its own, so that no existing table is altered (SQLite has no ADD COLUMN IF NOT EXISTS).
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
