using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <summary>
    /// Planning rules checked per municipality (/api/coverage/rules), with the seed cities' own rules built in: 江戸川区 about
    /// 20,000 residents per なごみの家 by 連合町会; 大牟田市 a 介護予防拠点 in every 小学校区; 世田谷区 a まちづくりセンター with its
    /// 三者 in each of its 28 日常生活圏域; 山形市 a 居場所 in each of its 30 地区; 宇部市 a 福祉なんでも相談窓口 in each of its 6 圏域.
    /// </summary>
    public partial class PlanningRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "planning_rules",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    municipality_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    source = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    district_kind = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    expected_districts = table.Column<int>(type: "integer", nullable: true),
                    hub_types = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    each_type = table.Column<bool>(type: "boolean", nullable: false),
                    min_hubs_per_district = table.Column<int>(type: "integer", nullable: true),
                    max_residents_per_hub = table.Column<double>(type: "double precision", nullable: true),
                    built_in = table.Column<bool>(type: "boolean", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_planning_rules", x => x.id);
                    table.CheckConstraint("ck_planning_rules_max_residents", "max_residents_per_hub IS NULL OR max_residents_per_hub BETWEEN 1 AND 10000000");
                    table.CheckConstraint("ck_planning_rules_min_hubs", "min_hubs_per_district IS NULL OR min_hubs_per_district BETWEEN 1 AND 100");
                    table.CheckConstraint("ck_planning_rules_something_to_check", "min_hubs_per_district IS NOT NULL OR max_residents_per_hub IS NOT NULL");
                });

            migrationBuilder.CreateIndex(
                name: "ix_planning_rules_municipality_code",
                table: "planning_rules",
                column: "municipality_code");

            migrationBuilder.Sql(
                """
                INSERT INTO planning_rules (municipality_code, name, source, district_kind, expected_districts, hub_types, each_type,
                    min_hubs_per_district, max_residents_per_hub, built_in, created_at, updated_at) VALUES
                ('13123', 'なごみの家 1 か所あたり住民おおむね 2 万人（連合町会の区域ごと）', '江戸川区 なごみの家の配置の目安', '連合町会', NULL,
                    'nagomi-no-ie', false, NULL, 20000, true, now(), now()),
                ('40202', '介護予防拠点・地域交流施設を小学校区に 1 か所以上', '大牟田市 介護予防拠点・地域交流施設の配置の目安', '小学校区', NULL,
                    'kaigo-yobou-kyoten', false, 1, NULL, true, now(), now()),
                ('13112', 'まちづくりセンターを日常生活圏域（28）ごとに 1 か所、三者（まちづくりセンター・あんしんすこやかセンター・社会福祉協議会）がそろう',
                    '世田谷区 地区の三者連携の目安', '日常生活圏域', 28, 'machizukuri-center,anshin-sukoyaka-center,shakyo-chiku', true, 1, NULL, true, now(), now()),
                ('06201', '居場所を各地区（30）に 1 か所', '山形市 地区の居場所の目安', '地区', 30, 'chiku-yamagata', false, 1, NULL, true, now(), now()),
                ('35202', '福祉なんでも相談窓口を 6 圏域すべてに', '宇部市 福祉なんでも相談窓口の配置の目安', '圏域', 6, 'nandemo-soudan', false, 1, NULL, true, now(), now());
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "planning_rules");
        }
    }
}
