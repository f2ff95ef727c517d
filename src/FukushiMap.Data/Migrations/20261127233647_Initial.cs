using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:postgis", ",,");

            migrationBuilder.CreateTable(
                name: "datasets",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    publisher = table.Column<string>(type: "text", nullable: false),
                    licence = table.Column<string>(type: "text", nullable: false),
                    vintage = table.Column<string>(type: "text", nullable: true),
                    attribution = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: true),
                    content_sha256 = table.Column<string>(type: "text", nullable: true),
                    feature_count = table.Column<int>(type: "integer", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_datasets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "hub_types",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    parent_id = table.Column<int>(type: "integer", nullable: true),
                    partners = table.Column<List<string>>(type: "text[]", nullable: false),
                    color = table.Column<string>(type: "text", nullable: false),
                    shape = table.Column<string>(type: "text", nullable: false),
                    built_in = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hub_types", x => x.id);
                    table.ForeignKey(
                        name: "fk_hub_types_hub_types_parent_id",
                        column: x => x.parent_id,
                        principalTable: "hub_types",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "municipalities",
                columns: table => new
                {
                    code = table.Column<string>(type: "character(5)", fixedLength: true, maxLength: 5, nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    prefecture = table.Column<string>(type: "text", nullable: true),
                    plane_srid = table.Column<int>(type: "integer", nullable: false),
                    boundary = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,6668)", nullable: true),
                    dataset_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_municipalities", x => x.code);
                    table.CheckConstraint("ck_municipalities_plane_srid", "plane_srid BETWEEN 6669 AND 6687");
                    table.ForeignKey(
                        name: "fk_municipalities_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "population_units",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    municipality_code = table.Column<string>(type: "text", nullable: false),
                    key_code = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    population = table.Column<int>(type: "integer", nullable: false),
                    households = table.Column<int>(type: "integer", nullable: true),
                    area_square_metres = table.Column<double>(type: "double precision", nullable: true),
                    point = table.Column<Point>(type: "geometry(Point,6668)", nullable: false),
                    polygon = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,6668)", nullable: true),
                    age0to14 = table.Column<int>(type: "integer", nullable: true),
                    age15to64 = table.Column<int>(type: "integer", nullable: true),
                    age65plus = table.Column<int>(type: "integer", nullable: true),
                    age75plus = table.Column<int>(type: "integer", nullable: true),
                    dataset_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_population_units", x => x.id);
                    table.CheckConstraint("ck_population_units_population", "population >= 0");
                    table.ForeignKey(
                        name: "fk_population_units_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "shelters",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    municipality_code = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    address = table.Column<string>(type: "text", nullable: true),
                    kind = table.Column<string>(type: "text", nullable: false),
                    hazards = table.Column<List<string>>(type: "text[]", nullable: false),
                    capacity = table.Column<int>(type: "integer", nullable: true),
                    location = table.Column<Point>(type: "geometry(Point,6668)", nullable: false),
                    source_ref = table.Column<string>(type: "text", nullable: true),
                    dataset_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shelters", x => x.id);
                    table.ForeignKey(
                        name: "fk_shelters_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "district_layers",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key = table.Column<string>(type: "text", nullable: false),
                    municipality_code = table.Column<string>(type: "character(5)", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    dataset_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_district_layers", x => x.id);
                    table.ForeignKey(
                        name: "fk_district_layers_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_district_layers_municipalities_municipality_code",
                        column: x => x.municipality_code,
                        principalTable: "municipalities",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "hubs",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    municipality_code = table.Column<string>(type: "character(5)", nullable: false),
                    hub_type_id = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    address = table.Column<string>(type: "text", nullable: true),
                    location = table.Column<Point>(type: "geometry(Point,6668)", nullable: false),
                    @operator = table.Column<string>(name: "operator", type: "text", nullable: true),
                    functions = table.Column<List<string>>(type: "text[]", nullable: false),
                    target_groups = table.Column<List<string>>(type: "text[]", nullable: false),
                    opening_note = table.Column<string>(type: "text", nullable: true),
                    accessibility_notes = table.Column<string>(type: "text", nullable: true),
                    phone = table.Column<string>(type: "text", nullable: true),
                    email = table.Column<string>(type: "text", nullable: true),
                    website = table.Column<string>(type: "text", nullable: true),
                    source_ref = table.Column<string>(type: "text", nullable: true),
                    dataset_id = table.Column<int>(type: "integer", nullable: true),
                    retired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    opening_hours = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hubs", x => x.id);
                    table.ForeignKey(
                        name: "fk_hubs_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_hubs_hub_types_hub_type_id",
                        column: x => x.hub_type_id,
                        principalTable: "hub_types",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_hubs_municipalities_municipality_code",
                        column: x => x.municipality_code,
                        principalTable: "municipalities",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "districts",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    layer_id = table.Column<int>(type: "integer", nullable: false),
                    municipality_code = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: true),
                    name = table.Column<string>(type: "text", nullable: false),
                    address = table.Column<string>(type: "text", nullable: true),
                    geometry = table.Column<MultiPolygon>(type: "geometry(MultiPolygon,6668)", nullable: false),
                    area_square_metres = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_districts", x => x.id);
                    table.ForeignKey(
                        name: "fk_districts_district_layers_layer_id",
                        column: x => x.layer_id,
                        principalTable: "district_layers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_datasets_key",
                table: "datasets",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_district_layers_dataset_id",
                table: "district_layers",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_district_layers_municipality_code_key",
                table: "district_layers",
                columns: new[] { "municipality_code", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_districts_geometry",
                table: "districts",
                column: "geometry")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_districts_layer_id",
                table: "districts",
                column: "layer_id");

            migrationBuilder.CreateIndex(
                name: "ix_districts_municipality_code",
                table: "districts",
                column: "municipality_code");

            migrationBuilder.CreateIndex(
                name: "ix_hub_types_key",
                table: "hub_types",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hub_types_name",
                table: "hub_types",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hub_types_parent_id",
                table: "hub_types",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_hubs_dataset_id",
                table: "hubs",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_hubs_hub_type_id",
                table: "hubs",
                column: "hub_type_id");

            migrationBuilder.CreateIndex(
                name: "ix_hubs_location",
                table: "hubs",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_hubs_municipality_code",
                table: "hubs",
                column: "municipality_code");

            migrationBuilder.CreateIndex(
                name: "ix_municipalities_boundary",
                table: "municipalities",
                column: "boundary")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_municipalities_dataset_id",
                table: "municipalities",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_population_units_dataset_id",
                table: "population_units",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_population_units_municipality_code_key_code",
                table: "population_units",
                columns: new[] { "municipality_code", "key_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_population_units_point",
                table: "population_units",
                column: "point")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_shelters_dataset_id",
                table: "shelters",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_shelters_location",
                table: "shelters",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_shelters_municipality_code",
                table: "shelters",
                column: "municipality_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "districts");

            migrationBuilder.DropTable(
                name: "hubs");

            migrationBuilder.DropTable(
                name: "population_units");

            migrationBuilder.DropTable(
                name: "shelters");

            migrationBuilder.DropTable(
                name: "district_layers");

            migrationBuilder.DropTable(
                name: "hub_types");

            migrationBuilder.DropTable(
                name: "municipalities");

            migrationBuilder.DropTable(
                name: "datasets");
        }
    }
}
