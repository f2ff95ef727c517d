using FukushiMap.Data.Import.Formats;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Importers;

/// <summary>
/// What the importers of named points (hubs, shelters, facilities) share: the name field, and each feature's name and
/// point, from its geometry (GeoJSON/Shapefile) or from lon/lat columns (CSV), checked. A feature without a name or
/// point, or with another geometry, becomes a problem and is left out.
/// </summary>
internal abstract class PointImporter(KindContext context) : KindImporter(context)
{
    /// <summary>The request's name field, else the first of <paramref name="candidates"/> the file has; none is fatal.</summary>
    protected string RequireNameField(params string[] candidates) =>
        Use("name", Field(Request.NameField, candidates))
        ?? throw Problems.Fatal(null, null, $"名前の項目が見つかりません。--name-field で指定してください（ある項目: {string.Join(", ", Context.File.FieldNames)}）。");

    /// <summary>
    /// Each feature with its name and point; <paramref name="noun"/> names the kind in problems (拠点, 避難所 …). A row
    /// without geometry or coordinates is placed by its <paramref name="addressField"/> when the import has a locator.
    /// </summary>
    protected IEnumerable<(SourceFeature Feature, string Name, Point Point)> NamedPoints(string nameField, string noun, string? addressField = null)
    {
        var (lonField, latField) = CsvColumns(allowAddressOnly: addressField is not null);
        foreach (var f in Context.File.Features)
        {
            var name = f.Get(nameField);
            if (name is null)
            {
                Problems.Add(f.Row, nameField, "名前が空です。");
                continue;
            }
            Point? point;
            var address = addressField is null ? null : f.Get(addressField);
            if (f.Geometry is null && Context.Locator is not null && address is not null
                && (lonField is null || (f.Get(lonField) is null && f.Get(latField!) is null)))
            {
                point = Context.PointFromAddress(f, addressField!, address);
            }
            else if (f.Geometry is null && lonField is not null)
            {
                point = Context.PointFromColumns(f, lonField, latField!);
            }
            else
            {
                var g = Context.CheckedGeometry(f);
                if (g is not null and not Point)
                {
                    Problems.Add(f.Row, "geometry", $"{noun}は点でなければなりません（{g.GeometryType}）。");
                    continue;
                }
                point = g as Point;
            }
            if (point is not null)
            {
                Preview.Add(new PreviewFeature(f.Row, name, point));
                yield return (f, name, point);
            }
        }
    }

    /// <summary>Links the mapped rows to their dataset and adds them (inside the import's transaction).</summary>
    protected Dictionary<string, int> Stage<T>(Microsoft.EntityFrameworkCore.DbSet<T> table, string tableName, List<T> rows, Action<T> linkDataset)
        where T : class
    {
        rows.ForEach(linkDataset);
        table.AddRange(rows);
        FeatureCount = rows.Count;
        return new Dictionary<string, int> { [tableName] = rows.Count };
    }
}
