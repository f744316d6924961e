using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ColumnCrypto.Sample.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "columncrypto_data_keys",
                columns: table => new
                {
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
                    table.PrimaryKey("PK_columncrypto_data_keys", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    email = table.Column<byte[]>(type: "BLOB", nullable: false),
                    national_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    notes = table.Column<byte[]>(type: "BLOB", nullable: true),
                    date_of_birth = table.Column<byte[]>(type: "BLOB", nullable: false),
                    credit_limit = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customers", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "columncrypto_data_keys");

            migrationBuilder.DropTable(
                name: "customers");
        }
    }
}
