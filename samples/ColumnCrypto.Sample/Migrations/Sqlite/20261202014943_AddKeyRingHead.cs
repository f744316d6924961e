using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ColumnCrypto.Sample.Migrations.Sqlite
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
                    key_table = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    generation = table.Column<long>(type: "INTEGER", nullable: false),
                    manifest = table.Column<string>(type: "TEXT", nullable: false),
                    mac = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ring_key_wrapping_provider = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ring_key_wrapping_key_id = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    wrapped_ring_key = table.Column<byte[]>(type: "BLOB", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
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
