using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ColumnCrypto.Sample.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddBlindIndexTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "columncrypto_blind_indexes",
                columns: table => new
                {
                    table_schema = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    table_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    column_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    index_column = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    normalization = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "columncrypto_blind_indexes");
        }
    }
}
