-- ColumnCrypto key ring head for PostgreSQL. Idempotent: safe to run more than once. Run after 0001 and 0002.
-- The same table that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_key_ring: per key table, the authenticated head of its key ring: a manifest of every key row (purpose,
--   version, status, commitment) and its HMAC under a ring key that is stored only wrapped by the master key or KMS.
--   ColumnCrypto rewrites it in the same transaction as every change of the key rows, and refuses a key table that
--   does not match it. An existing key table gets its head at the application's next start. Back it up with the key table.
CREATE TABLE IF NOT EXISTS columncrypto_key_ring (
    key_table character varying(128) NOT NULL,
    generation bigint NOT NULL,
    manifest text NOT NULL,
    mac bytea NOT NULL,
    ring_key_wrapping_provider character varying(32) NOT NULL,
    ring_key_wrapping_key_id character varying(2048) NOT NULL,
    wrapped_ring_key bytea NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_columncrypto_key_ring" PRIMARY KEY (key_table)
);
