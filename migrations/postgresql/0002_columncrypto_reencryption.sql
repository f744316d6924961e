-- ColumnCrypto re-encryption tables for PostgreSQL. Idempotent: safe to run more than once. Run after 0001.
-- The same tables that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- columncrypto_encrypted_columns: which columns are encrypted, with their primary key, storage and value type, kept up
--   to date by the application at start-up; re-encryption, coverage and key retirement read it (no application needed).
-- columncrypto_reencryption_progress: per column, the latest re-encryption run's target key version and done/total.
CREATE TABLE IF NOT EXISTS columncrypto_encrypted_columns (
    table_schema character varying(128) NOT NULL,
    table_name character varying(128) NOT NULL,
    column_name character varying(128) NOT NULL,
    key_columns character varying(1024) NOT NULL,
    storage character varying(16) NOT NULL,
    encryption_context character varying(512) NOT NULL,
    value_type character varying(32) NOT NULL,
    clr_type character varying(512) NOT NULL,
    plaintext_allowed boolean NOT NULL,
    context_type character varying(512) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_columncrypto_encrypted_columns" PRIMARY KEY (table_schema, table_name, column_name)
);

CREATE TABLE IF NOT EXISTS columncrypto_reencryption_progress (
    table_schema character varying(128) NOT NULL,
    table_name character varying(128) NOT NULL,
    column_name character varying(128) NOT NULL,
    target_version integer NOT NULL,
    total_values bigint NOT NULL,
    done_values bigint NOT NULL,
    failed_values bigint NOT NULL,
    status character varying(16) NOT NULL,
    rows_per_second double precision NOT NULL,
    last_key character varying(1024),
    worker character varying(256),
    started_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_columncrypto_reencryption_progress" PRIMARY KEY (table_schema, table_name, column_name)
);
