using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrustActiveNetwork : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "active_networks",
                columns: table => new
                {
                    municipality_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    network_id = table.Column<int>(type: "integer", nullable: false),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    checks = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_active_networks", x => x.municipality_code);
                    table.ForeignKey(
                        name: "fk_active_networks_road_networks_network_id",
                        column: x => x.network_id,
                        principalTable: "networks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_active_networks_network_id",
                table: "active_networks",
                column: "network_id");

            // Databases made before this migration keep serving what they served (the newest network of each municipality);
            // from now on only an activation changes it.
            migrationBuilder.Sql(
                """
                INSERT INTO active_networks (municipality_code, network_id, activated_at, checks)
                SELECT DISTINCT ON (municipality_code) municipality_code, id, now(), '移行時に最新のネットワークを使用中としました（検査なし）'
                FROM networks WHERE municipality_code IS NOT NULL
                ORDER BY municipality_code, imported_at DESC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "active_networks");
        }
    }
}
