-- ColumnCrypto data key table for PostgreSQL. Idempotent: safe to run more than once.
-- The same table that EF Core creates from the model when UseColumnEncryption is on (a test compares them).
-- Data keys are stored only wrapped by the master key or KMS key; back this table up with the data.
CREATE TABLE IF NOT EXISTS columncrypto_data_keys (
    version integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    roll_over_at timestamp with time zone NOT NULL,
    status integer NOT NULL,
    wrapping_provider character varying(32) NOT NULL,
    wrapping_key_id character varying(2048) NOT NULL,
    wrapped_key bytea NOT NULL,
    commitment bytea NOT NULL,
    encryption_count bigint NOT NULL,
    CONSTRAINT "PK_columncrypto_data_keys" PRIMARY KEY (version)
);
