using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <summary>
    /// Existing facilities offered as siting candidates (宇部市's 介護サービス事業所): the <c>facilities</c> table, with the same
    /// change trigger as the other dataset tables (see <see cref="DataVersions"/>), so a running server's caches follow an import.
    /// </summary>
    public partial class Facilities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "facilities",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    municipality_code = table.Column<string>(type: "character(5)", nullable: false),
                    category = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: true),
                    address = table.Column<string>(type: "text", nullable: true),
                    @operator = table.Column<string>(name: "operator", type: "text", nullable: true),
                    phone = table.Column<string>(type: "text", nullable: true),
                    location = table.Column<Point>(type: "geometry(Point,6668)", nullable: false),
                    source_ref = table.Column<string>(type: "text", nullable: true),
                    dataset_id = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_facilities", x => x.id);
                    table.ForeignKey(
                        name: "fk_facilities_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_facilities_municipalities_municipality_code",
                        column: x => x.municipality_code,
                        principalTable: "municipalities",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_facilities_dataset_id",
                table: "facilities",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_facilities_location",
                table: "facilities",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_facilities_municipality_code_category",
                table: "facilities",
                columns: new[] { "municipality_code", "category" });

            migrationBuilder.Sql(
                """
                CREATE TRIGGER trg_facilities_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facilities
                    FOR EACH STATEMENT EXECUTE FUNCTION fukushimap_data_changed();
                INSERT INTO data_changes (dataset) VALUES ('facilities');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS trg_facilities_data_changed ON facilities;");
            migrationBuilder.DropTable(
                name: "facilities");
        }
    }
}
