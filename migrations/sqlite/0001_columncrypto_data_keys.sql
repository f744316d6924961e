-- ColumnCrypto data key table for SQLite. Idempotent: safe to run more than once.
-- The same table that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- Data keys are stored only wrapped by the master key or KMS key; back this table up with the data.
CREATE TABLE IF NOT EXISTS "columncrypto_data_keys" (
    "version" INTEGER NOT NULL CONSTRAINT "PK_columncrypto_data_keys" PRIMARY KEY,
    "created_at" TEXT NOT NULL,
    "roll_over_at" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "wrapping_provider" TEXT NOT NULL,
    "wrapping_key_id" TEXT NOT NULL,
    "wrapped_key" BLOB NOT NULL,
    "commitment" BLOB NOT NULL,
    "encryption_count" INTEGER NOT NULL
);
