using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ColumnCrypto.Sample.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddBlindIndexTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "columncrypto_blind_index_keys",
                columns: table => new
                {
                    key_table = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    roll_over_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    wrapping_provider = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    wrapping_key_id = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    wrapped_key = table.Column<byte[]>(type: "BLOB", nullable: false),
                    commitment = table.Column<byte[]>(type: "BLOB", nullable: false),
                    encryption_count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_columncrypto_blind_index_keys", x => new { x.key_table, x.version });
                });

            migrationBuilder.CreateTable(
                name: "columncrypto_blind_indexes",
                columns: table => new
                {
                    table_schema = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    table_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    column_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    index_column = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    normalization = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_columncrypto_blind_indexes", x => new { x.table_schema, x.table_name, x.column_name });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "columncrypto_blind_index_keys");

            migrationBuilder.DropTable(
                name: "columncrypto_blind_indexes");
        }
    }
}
