using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace FukushiMap.Data.Migrations
{
    /// <inheritdoc />
    public partial class Welfare : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: true),
                    user_name = table.Column<string>(type: "text", nullable: true),
                    action = table.Column<string>(type: "text", nullable: false),
                    resource = table.Column<string>(type: "text", nullable: false),
                    record_ids = table.Column<List<int>>(type: "integer[]", nullable: false),
                    district_id = table.Column<int>(type: "integer", nullable: true),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    purpose = table.Column<string>(type: "text", nullable: true),
                    remote_address = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                },
                comment: "追記のみ（UPDATE・DELETE・TRUNCATE はトリガーで禁止）。個人の値は記録しない。");

            migrationBuilder.CreateTable(
                name: "household_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    household_id = table.Column<int>(type: "integer", nullable: false),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    user_name = table.Column<string>(type: "text", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    fields = table.Column<List<string>>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_household_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "household_reviews",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    household_id = table.Column<int>(type: "integer", nullable: false),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    note = table.Column<string>(type: "text", nullable: true),
                    reviewed_by = table.Column<string>(type: "text", nullable: false),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_household_reviews", x => x.id);
                    table.CheckConstraint("ck_household_reviews_outcome", "outcome IN ('confirmed', 'changed', 'removed')");
                });

            migrationBuilder.CreateTable(
                name: "households",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    municipality_code = table.Column<string>(type: "character(5)", fixedLength: true, maxLength: 5, nullable: false),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    label = table.Column<string>(type: "text", nullable: false),
                    address = table.Column<string>(type: "text", nullable: true),
                    location = table.Column<Point>(type: "geometry(Point,6668)", nullable: false),
                    categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    disability_detail = table.Column<string>(type: "text", nullable: true),
                    care_level = table.Column<string>(type: "text", nullable: true),
                    notes = table.Column<string>(type: "text", nullable: true),
                    consent_state = table.Column<string>(type: "text", nullable: false),
                    consent_date = table.Column<DateOnly>(type: "date", nullable: true),
                    consent_method = table.Column<string>(type: "text", nullable: true),
                    legal_basis = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    status_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    is_fictitious = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_households", x => x.id);
                    table.CheckConstraint("ck_households_consent_state", "consent_state IN ('同意', '不同意', '未確認')");
                    table.CheckConstraint("ck_households_status", "status IN ('active', 'moved', 'deceased')");
                    table.ForeignKey(
                        name: "fk_households_districts_district_id",
                        column: x => x.district_id,
                        principalTable: "districts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                },
                comment: "要配慮個人情報。架空のデモデータのみ。OGC API では公開しない（/api/households のみ）。");

            migrationBuilder.CreateTable(
                name: "hub_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    hub_id = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    user_name = table.Column<string>(type: "text", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    snapshot = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_hub_changes_hubs_hub_id",
                        column: x => x.hub_id,
                        principalTable: "hubs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "watchers",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    role = table.Column<string>(type: "text", nullable: true),
                    location = table.Column<Point>(type: "geometry(Point,6668)", nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: true),
                    is_fictitious = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_watchers", x => x.id);
                    table.ForeignKey(
                        name: "fk_watchers_districts_district_id",
                        column: x => x.district_id,
                        principalTable: "districts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "welfare_roles",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "welfare_users",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    is_demo = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: true),
                    security_stamp = table.Column<string>(type: "text", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "watcher_assignments",
                columns: table => new
                {
                    household_id = table.Column<int>(type: "integer", nullable: false),
                    watcher_id = table.Column<int>(type: "integer", nullable: false),
                    assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_watcher_assignments", x => new { x.household_id, x.watcher_id });
                    table.ForeignKey(
                        name: "fk_watcher_assignments_households_household_id",
                        column: x => x.household_id,
                        principalTable: "households",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_watcher_assignments_watchers_watcher_id",
                        column: x => x.watcher_id,
                        principalTable: "watchers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "welfare_role_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    role_id = table.Column<string>(type: "text", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_role_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_welfare_role_claims_asp_net_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "welfare_roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "district_grants",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    district_id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    granted_by = table.Column<string>(type: "text", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_district_grants", x => x.id);
                    table.ForeignKey(
                        name: "fk_district_grants_districts_district_id",
                        column: x => x.district_id,
                        principalTable: "districts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_district_grants_users_user_id",
                        column: x => x.user_id,
                        principalTable: "welfare_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "welfare_user_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<string>(type: "text", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_welfare_user_claims_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "welfare_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "welfare_user_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    provider_key = table.Column<string>(type: "text", nullable: false),
                    provider_display_name = table.Column<string>(type: "text", nullable: true),
                    user_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "fk_welfare_user_logins_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "welfare_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "welfare_user_roles",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    role_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_user_roles", x => new { x.user_id, x.role_id });
                    table.ForeignKey(
                        name: "fk_welfare_user_roles_asp_net_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "welfare_roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_welfare_user_roles_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "welfare_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "welfare_user_tokens",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_welfare_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "fk_welfare_user_tokens_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "welfare_users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "welfare_roles",
                columns: new[] { "id", "concurrency_stamp", "name", "normalized_name" },
                values: new object[,]
                {
                    { "role-1", "role-1", "管理者", "管理者" },
                    { "role-2", "role-2", "計画担当", "計画担当" },
                    { "role-3", "role-3", "民生委員・児童委員", "民生委員・児童委員" },
                    { "role-4", "role-4", "町内会役員", "町内会役員" },
                    { "role-5", "role-5", "福祉協力員", "福祉協力員" }
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_at",
                table: "audit_log",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_user_id",
                table: "audit_log",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_district_grants_district_id",
                table: "district_grants",
                column: "district_id");

            migrationBuilder.CreateIndex(
                name: "ix_district_grants_user_id_district_id",
                table: "district_grants",
                columns: new[] { "user_id", "district_id" });

            migrationBuilder.CreateIndex(
                name: "ix_household_changes_district_id_at",
                table: "household_changes",
                columns: new[] { "district_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_household_changes_household_id",
                table: "household_changes",
                column: "household_id");

            migrationBuilder.CreateIndex(
                name: "ix_household_reviews_district_id_year",
                table: "household_reviews",
                columns: new[] { "district_id", "year" });

            migrationBuilder.CreateIndex(
                name: "ix_household_reviews_household_id",
                table: "household_reviews",
                column: "household_id");

            migrationBuilder.CreateIndex(
                name: "ix_households_district_id",
                table: "households",
                column: "district_id");

            migrationBuilder.CreateIndex(
                name: "ix_households_location",
                table: "households",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_hub_changes_hub_id_at",
                table: "hub_changes",
                columns: new[] { "hub_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_watcher_assignments_watcher_id",
                table: "watcher_assignments",
                column: "watcher_id");

            migrationBuilder.CreateIndex(
                name: "ix_watchers_district_id",
                table: "watchers",
                column: "district_id");

            migrationBuilder.CreateIndex(
                name: "ix_welfare_role_claims_role_id",
                table: "welfare_role_claims",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "welfare_roles",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_welfare_user_claims_user_id",
                table: "welfare_user_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_welfare_user_logins_user_id",
                table: "welfare_user_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_welfare_user_roles_role_id",
                table: "welfare_user_roles",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "welfare_users",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "welfare_users",
                column: "normalized_user_name",
                unique: true);

            // Hand-added (keep when regenerating): the audit log is append-only.
            migrationBuilder.Sql(FukushiMap.Data.Welfare.WelfareSql.CreateAuditTrigger);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(FukushiMap.Data.Welfare.WelfareSql.DropAuditTrigger);

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "district_grants");

            migrationBuilder.DropTable(
                name: "household_changes");

            migrationBuilder.DropTable(
                name: "household_reviews");

            migrationBuilder.DropTable(
                name: "hub_changes");

            migrationBuilder.DropTable(
                name: "watcher_assignments");

            migrationBuilder.DropTable(
                name: "welfare_role_claims");

            migrationBuilder.DropTable(
                name: "welfare_user_claims");

            migrationBuilder.DropTable(
                name: "welfare_user_logins");

            migrationBuilder.DropTable(
                name: "welfare_user_roles");

            migrationBuilder.DropTable(
                name: "welfare_user_tokens");

            migrationBuilder.DropTable(
                name: "households");

            migrationBuilder.DropTable(
                name: "watchers");

            migrationBuilder.DropTable(
                name: "welfare_roles");

            migrationBuilder.DropTable(
                name: "welfare_users");
        }
    }
}
