using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FukushiMap.Data.Migrations
{
    /// <summary>
    /// A version of <c>upload_versions</c> may be the data a first upload replaced (the census, reference hubs, a CLI import):
    /// <c>label</c> names it on the page (「取り込み前のデータ（…）」) and <c>origin</c> keeps the credit of the datasets it came
    /// from (title, publisher, licence, vintage, attribution, dataset keys), which a restore writes back.
    /// </summary>
    [DbContext(typeof(FukushiMapDbContext))]
    [Migration("20261206060000_UploadVersionOrigins")]
    public partial class UploadVersionOrigins : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                ALTER TABLE upload_versions ADD COLUMN label text, ADD COLUMN origin jsonb;
                COMMENT ON COLUMN upload_versions.origin IS '取り込み前のデータの版: 元のデータセットの出典（タイトル・提供者・ライセンス・年次・出典表記・キー）。戻すときにこの出典で書き戻す。';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE upload_versions DROP COLUMN IF EXISTS label, DROP COLUMN IF EXISTS origin;");
        }
    }
}
