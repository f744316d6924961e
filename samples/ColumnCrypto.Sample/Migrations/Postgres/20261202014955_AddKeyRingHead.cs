using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ColumnCrypto.Sample.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddKeyRingHead : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "columncrypto_key_ring",
                columns: table => new
                {
                    key_table = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    generation = table.Column<long>(type: "bigint", nullable: false),
                    manifest = table.Column<string>(type: "text", nullable: false),
                    mac = table.Column<byte[]>(type: "bytea", nullable: false),
                    ring_key_wrapping_provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ring_key_wrapping_key_id = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    wrapped_ring_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_columncrypto_key_ring", x => x.key_table);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "columncrypto_key_ring");
        }
    }
}
