using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrustWelfareSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "watchers",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateTable(
                name: "welfare_sessions",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_welfare_sessions_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "welfare_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                },
                comment: "サーバー側のセッション。ended_at が入ったセッションのクッキーは使えない。");

            migrationBuilder.CreateIndex(
                name: "ix_welfare_sessions_user_id",
                table: "welfare_sessions",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "welfare_sessions");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "watchers");
        }
    }
}
