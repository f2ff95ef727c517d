using FukushiMap.Data.Versions;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <summary>
    /// Every statement that changes a dataset table (any process: the server, <c>./fukushimap import</c>, psql) appends one row
    /// to <c>data_changes</c> with a number from one sequence and notifies <c>fukushimap_data</c> on commit, so running servers
    /// see imports, activations and hub edits at once (see <see cref="DataVersionReader"/>). Appending, not updating a counter
    /// row, means concurrent imports never wait for each other's lock.
    /// </summary>
    [DbContext(typeof(FukushiMapDbContext))]
    [Migration("20261205214000_DataVersions")]
    public partial class DataVersions : Migration
    {
        /// <summary>
        /// The tables as they were when this migration was written. A later migration adds its own tables' triggers
        /// (<see cref="DataVersionReader.Tables"/> grows; this list must not, or a new database would fail here).
        /// </summary>
        internal static readonly string[] Tables =
        [
            DataTables.Datasets, DataTables.Municipalities, DataTables.HubTypes, DataTables.Hubs, DataTables.DistrictLayers,
            DataTables.Districts, DataTables.PopulationUnits, DataTables.Shelters, DataTables.Networks, DataTables.ActiveNetworks,
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                $"""
                CREATE TABLE data_changes (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    dataset text NOT NULL,
                    changed_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX ix_data_changes_dataset_id ON data_changes (dataset, id);
                COMMENT ON TABLE data_changes IS 'データの変更の記録（文ごとに一行、トリガーが書く）。サーバーはデータセットごとの最大の id を版として使う。';

                CREATE FUNCTION fukushimap_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO data_changes (dataset) VALUES (TG_TABLE_NAME);
                    PERFORM pg_notify('{DataVersionReader.Channel}', TG_TABLE_NAME);
                    RETURN NULL;
                END $$;
                """);
            foreach (var table in Tables)
            {
                migrationBuilder.Sql(
                    $"""
                    CREATE TRIGGER trg_{table}_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                        FOR EACH STATEMENT EXECUTE FUNCTION fukushimap_data_changed();
                    INSERT INTO data_changes (dataset) VALUES ('{table}');
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"DROP TRIGGER IF EXISTS trg_{table}_data_changed ON {table};");
            }
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fukushimap_data_changed(); DROP TABLE IF EXISTS data_changes;");
        }
    }
}
