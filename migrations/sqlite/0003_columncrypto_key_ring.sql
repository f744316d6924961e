-- ColumnCrypto key ring head for SQLite. Idempotent: safe to run more than once. Run after 0001 and 0002.
-- The same table that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_key_ring: per key table, the authenticated head of its key ring: a manifest of every key row (purpose,
--   version, status, commitment) and its HMAC under a ring key that is stored only wrapped by the master key or KMS.
--   ColumnCrypto rewrites it in the same transaction as every change of the key rows, and refuses a key table that
--   does not match it. An existing key table gets its head at the application's next start. Back it up with the key table.
CREATE TABLE IF NOT EXISTS "columncrypto_key_ring" (
    "key_table" TEXT NOT NULL CONSTRAINT "PK_columncrypto_key_ring" PRIMARY KEY,
    "generation" INTEGER NOT NULL,
    "manifest" TEXT NOT NULL,
    "mac" BLOB NOT NULL,
    "ring_key_wrapping_provider" TEXT NOT NULL,
    "ring_key_wrapping_key_id" TEXT NOT NULL,
    "wrapped_ring_key" BLOB NOT NULL,
    "updated_at" TEXT NOT NULL
);
