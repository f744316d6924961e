-- ColumnCrypto blind-index table for PostgreSQL. Idempotent: safe to run more than once. Run after 0003.
-- The same table that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_blind_indexes: per searchable encrypted column (same key as columncrypto_encrypted_columns), the
--   column holding its blind index, the normalization of its values and whether every row is indexed ("ready") or an
--   index build is due ("building": lookups are refused until 'columncrypto index' completes it).
-- A table of its own, so that no existing table is altered (SQLite has no ADD COLUMN IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS columncrypto_blind_indexes (
    table_schema character varying(128) NOT NULL,
    table_name character varying(128) NOT NULL,
    column_name character varying(128) NOT NULL,
    index_column character varying(128) NOT NULL,
    normalization character varying(64) NOT NULL,
    status character varying(16) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_columncrypto_blind_indexes" PRIMARY KEY (table_schema, table_name, column_name)
);
