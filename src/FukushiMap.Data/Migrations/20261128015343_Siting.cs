using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <inheritdoc />
    public partial class Siting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "siting_scenarios",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    municipality_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    model = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    solver = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    report = table.Column<string>(type: "jsonb", nullable: false),
                    added_sites = table.Column<int>(type: "integer", nullable: false),
                    covered_before = table.Column<long>(type: "bigint", nullable: false),
                    covered_after = table.Column<long>(type: "bigint", nullable: false),
                    population = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_siting_scenarios", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_siting_scenarios_municipality_code_created_at",
                table: "siting_scenarios",
                columns: new[] { "municipality_code", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "siting_scenarios");
        }
    }
}
