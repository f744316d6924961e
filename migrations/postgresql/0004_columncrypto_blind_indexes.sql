-- ColumnCrypto blind-index tables for PostgreSQL. Idempotent: safe to run more than once. Run after 0003.
-- The same tables that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_blind_indexes: per searchable encrypted column (same key as columncrypto_encrypted_columns), the
--   column holding its blind index, the normalization of its values and whether every row is indexed ("ready") or an
--   index build is due ("building": lookups are refused until 'columncrypto index' completes it).
-- columncrypto_blind_index_keys: the blind-index keys, one row per index key version of each key table, in the key
--   table's columns: the key only wrapped (master key or KMS), its commitment, its status; recorded in the key table's
--   ring head (columncrypto_key_ring) with the data keys, so rows deleted, added or re-statused fail the ring's check.
-- Tables of their own, so that no existing table is altered (SQLite has no ADD COLUMN IF NOT EXISTS).
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
CREATE TABLE IF NOT EXISTS columncrypto_blind_index_keys (
    key_table character varying(128) NOT NULL,
    version integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    roll_over_at timestamp with time zone NOT NULL,
    status integer NOT NULL,
    wrapping_provider character varying(32) NOT NULL,
    wrapping_key_id character varying(2048) NOT NULL,
    wrapped_key bytea NOT NULL,
    commitment bytea NOT NULL,
    encryption_count bigint NOT NULL,
    CONSTRAINT "PK_columncrypto_blind_index_keys" PRIMARY KEY (key_table, version)
);
