using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ColumnCrypto.Sample.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddReencryptionTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "columncrypto_encrypted_columns",
                columns: table => new
                {
                    table_schema = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    table_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    column_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    key_columns = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    storage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    encryption_context = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    value_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    clr_type = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    plaintext_allowed = table.Column<bool>(type: "boolean", nullable: false),
                    context_type = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_columncrypto_encrypted_columns", x => new { x.table_schema, x.table_name, x.column_name });
                });

            migrationBuilder.CreateTable(
                name: "columncrypto_reencryption_progress",
                columns: table => new
                {
                    table_schema = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    table_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    column_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    target_version = table.Column<int>(type: "integer", nullable: false),
                    total_values = table.Column<long>(type: "bigint", nullable: false),
                    done_values = table.Column<long>(type: "bigint", nullable: false),
                    failed_values = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rows_per_second = table.Column<double>(type: "double precision", nullable: false),
                    last_key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    worker = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_columncrypto_reencryption_progress", x => new { x.table_schema, x.table_name, x.column_name });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "columncrypto_encrypted_columns");

            migrationBuilder.DropTable(
                name: "columncrypto_reencryption_progress");
        }
    }
}
