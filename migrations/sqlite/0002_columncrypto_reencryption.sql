-- ColumnCrypto re-encryption tables for SQLite. Idempotent: safe to run more than once. Run after 0001.
-- The same tables that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_encrypted_columns: which columns are encrypted, with their primary key, storage and value type, kept up
--   to date by the application at start-up; re-encryption, coverage and key retirement read it (no application needed).
-- columncrypto_reencryption_progress: per column, the latest re-encryption run's target key version and done/total.
CREATE TABLE IF NOT EXISTS "columncrypto_encrypted_columns" (
    "table_schema" TEXT NOT NULL,
    "table_name" TEXT NOT NULL,
    "column_name" TEXT NOT NULL,
    "key_columns" TEXT NOT NULL,
    "storage" TEXT NOT NULL,
    "encryption_context" TEXT NOT NULL,
    "value_type" TEXT NOT NULL,
    "clr_type" TEXT NOT NULL,
    "plaintext_allowed" INTEGER NOT NULL,
    "context_type" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "PK_columncrypto_encrypted_columns" PRIMARY KEY ("table_schema", "table_name", "column_name")
);

CREATE TABLE IF NOT EXISTS "columncrypto_reencryption_progress" (
    "table_schema" TEXT NOT NULL,
    "table_name" TEXT NOT NULL,
    "column_name" TEXT NOT NULL,
    "target_version" INTEGER NOT NULL,
    "total_values" INTEGER NOT NULL,
    "done_values" INTEGER NOT NULL,
    "failed_values" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "rows_per_second" REAL NOT NULL,
    "last_key" TEXT NULL,
    "worker" TEXT NULL,
    "started_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    CONSTRAINT "PK_columncrypto_reencryption_progress" PRIMARY KEY ("table_schema", "table_name", "column_name")
);
