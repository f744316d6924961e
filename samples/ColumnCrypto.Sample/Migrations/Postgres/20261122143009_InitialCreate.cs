using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ColumnCrypto.Sample.Migrations.Postgres
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
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    roll_over_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    wrapping_provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    wrapping_key_id = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    wrapped_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    commitment = table.Column<byte[]>(type: "bytea", nullable: false),
                    encryption_count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_columncrypto_data_keys", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    email = table.Column<byte[]>(type: "bytea", nullable: false),
                    national_id = table.Column<byte[]>(type: "bytea", nullable: false),
                    notes = table.Column<byte[]>(type: "bytea", nullable: true),
                    date_of_birth = table.Column<byte[]>(type: "bytea", nullable: false),
                    credit_limit = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
