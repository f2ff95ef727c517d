using System.ComponentModel;
using System.Text.RegularExpressions;
using FukushiMap.Data;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.Map;

/// <summary>Small JSON endpoints the map page needs beyond the OGC collections: symbols, credit lines, the municipality list.</summary>
public static partial class MapApi
{
    /// <summary>Layer names as the OGC collection ids, so the page can match a credit line to a layer it shows.</summary>
    public static class Layers
    {
        public const string Municipalities = "municipalities";
        public const string Hubs = "hubs";
        public const string Districts = "districts";
        public const string PopulationUnits = "population-units";
        public const string Shelters = "shelters";

        /// <summary>The live walking network (isochrones, finder, coverage); not a drawn layer, so its credit is always shown.</summary>
        public const string Network = "network";
    }

    public static IEndpointRouteBuilder MapMapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("地図").AllowAnonymous();

        api.MapGet("/hub-types", GetHubTypesAsync)
            .WithName("GetHubTypes")
            .WithSummary("拠点の種別と地図記号（色と形）の一覧");

        api.MapGet("/datasets", GetDatasetsAsync)
            .WithName("GetDatasets")
            .WithSummary("データの出典（表示する出典表記）。市区町村を指定すると、その市区町村で使われているものだけを返す")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/municipalities", GetMunicipalitiesAsync)
            .WithName("GetMapMunicipalities")
            .WithSummary("地図で選べる市区町村と、レイヤーごとの件数・範囲");

        return app;
    }

    /// <summary>A hub type as the map draws it.</summary>
    /// <param name="Key">Stable key (e.g. <c>fureai-center</c>).</param>
    /// <param name="Name">Japanese name shown in the legend.</param>
    /// <param name="Color">Symbol fill, #rrggbb.</param>
    /// <param name="Shape">circle, square, diamond, triangle, star …</param>
    /// <param name="Parent">Key of the parent type, or null.</param>
    public sealed record HubTypeView(string Key, string Name, string Color, string Shape, string? Parent, string? Description);

    /// <summary>A dataset's credit line and the map layers that use it.</summary>
    public sealed record DatasetView(
        string Key, string Title, string Publisher, string Licence, string? Vintage, string Attribution, string[] Layers)
    {
        /// <summary>The live walking network drawn from this dataset, when there is one.</summary>
        public LiveNetworkView? Network { get; init; }
    }

    /// <summary>A municipality's live walking network: its name, when it was imported and since when it serves.</summary>
    public sealed record LiveNetworkView(string Name, string MunicipalityCode, DateTimeOffset ImportedAt, DateTimeOffset ActivatedAt);

    /// <summary>A municipality the map can show, with how much of each layer it has.</summary>
    /// <param name="Bbox">Bounding box of the boundary [west, south, east, north] in lon/lat (JGD2011), or null without a boundary.</param>
    /// <param name="WalkingNetwork">True when the municipality has a live walking network; otherwise its analyses are by straight line.</param>
    public sealed record MunicipalityView(
        string Code, string Name, string? Prefecture, double[]? Bbox, LayerCounts Counts, long Population, bool WalkingNetwork)
    {
        /// <summary>Existing facilities siting may offer as candidate sites, per category.</summary>
        public List<FacilityCategoryView> Facilities { get; init; } = [];
    }

    /// <param name="Key">The category key siting takes (<c>facilities=</c>).</param>
    /// <param name="Title">The title of the dataset the facilities came from (what they are, in the source's words).</param>
    public sealed record FacilityCategoryView(string Key, int Count, string? Title, string? Attribution);

    public sealed record LayerCounts(int Hubs, int Districts, int PopulationUnits, int Shelters);

    internal static async Task<Ok<HubTypeView[]>> GetHubTypesAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        var types = await db.HubTypes.AsNoTracking()
            .OrderBy(t => t.Id)
            .Select(t => new HubTypeView(t.Key, t.Name, t.Color, t.Shape, t.Parent == null ? null : t.Parent.Key, t.Description))
            .ToArrayAsync(ct);
        return TypedResults.Ok(types);
    }

    internal static async Task<Ok<DatasetView[]>> GetDatasetsAsync(
        [FromQuery(Name = "municipality_code"), Description("市区町村コード（5桁、例: 35202）。省略するとすべてのデータセット")] string? municipalityCode,
        FukushiMapDbContext db,
        CancellationToken ct)
    {
        var code = ValidateCode(municipalityCode);
        var datasets = await db.Datasets.AsNoTracking().OrderBy(d => d.Id).ToListAsync(ct);

        // Which layers draw rows from which dataset (in the municipality when one is given).
        var used = new Dictionary<int, SortedSet<string>>();
        void Add(IEnumerable<int?> ids, string layer)
        {
            foreach (var id in ids.OfType<int>())
            {
                (used.TryGetValue(id, out var set) ? set : used[id] = []).Add(layer);
            }
        }
        Add(await db.Municipalities.Where(m => code == null || m.Code == code).Select(m => m.DatasetId).Distinct().ToListAsync(ct), Layers.Municipalities);
        Add(await db.Hubs.Where(h => h.RetiredAt == null && (code == null || h.MunicipalityCode == code)).Select(h => h.DatasetId).Distinct().ToListAsync(ct), Layers.Hubs);
        Add(await db.DistrictLayers.Where(l => code == null || l.MunicipalityCode == code).Select(l => l.DatasetId).Distinct().ToListAsync(ct), Layers.Districts);
        Add(await db.PopulationUnits.Where(p => code == null || p.MunicipalityCode == code).Select(p => p.DatasetId).Distinct().ToListAsync(ct), Layers.PopulationUnits);
        Add(await db.Shelters.Where(s => code == null || s.MunicipalityCode == code).Select(s => s.DatasetId).Distinct().ToListAsync(ct), Layers.Shelters);

        var live = await db.ActiveNetworks.AsNoTracking().Where(a => code == null || a.MunicipalityCode == code)
            .Select(a => new { a.Network!.DatasetId, View = new LiveNetworkView(a.Network.Name, a.MunicipalityCode, a.Network.ImportedAt, a.ActivatedAt) })
            .ToListAsync(ct);
        Add(live.Select(l => l.DatasetId), Layers.Network);

        var views = datasets
            .Where(d => code == null || used.ContainsKey(d.Id))
            .Select(d => new DatasetView(d.Key, d.Title, d.Publisher, d.Licence, d.Vintage, d.Attribution,
                used.TryGetValue(d.Id, out var layers) ? [.. layers] : [])
            {
                Network = live.FirstOrDefault(l => l.DatasetId == d.Id)?.View,
            })
            .ToArray();
        return TypedResults.Ok(views);
    }

    internal static async Task<Ok<MunicipalityView[]>> GetMunicipalitiesAsync(FukushiMapDbContext db, CancellationToken ct)
    {
        var municipalities = await db.Municipalities.AsNoTracking()
            .OrderBy(m => m.Code)
            // ST_Envelope in PostGIS: only four corners travel, however detailed the boundary.
            .Select(m => new { m.Code, m.Name, m.Prefecture, Envelope = m.Boundary == null ? null : m.Boundary.Envelope })
            .ToListAsync(ct);

        var hubs = await db.Hubs.Where(h => h.RetiredAt == null).GroupBy(h => h.MunicipalityCode)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var districts = await db.Districts.GroupBy(d => d.MunicipalityCode)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var units = await db.PopulationUnits.GroupBy(p => p.MunicipalityCode)
            .Select(g => new { g.Key, Count = g.Count(), Population = g.Sum(p => (long)p.Population) })
            .ToDictionaryAsync(x => x.Key, ct);
        var shelters = await db.Shelters.GroupBy(s => s.MunicipalityCode)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var networks = (await db.ActiveNetworks.Select(a => a.MunicipalityCode).ToListAsync(ct)).ToHashSet();
        var facilities = (await db.Facilities.GroupBy(f => new { f.MunicipalityCode, f.Category })
            .Select(g => new { g.Key.MunicipalityCode, g.Key.Category, Count = g.Count(), DatasetId = g.Max(f => f.DatasetId) }).ToListAsync(ct));
        var facilityIds = facilities.Select(f => f.DatasetId).OfType<int>().ToList();
        var facilityDatasets = await db.Datasets.Where(d => facilityIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);

        var views = municipalities.Select(m =>
        {
            var e = m.Envelope?.EnvelopeInternal;
            var u = units.GetValueOrDefault(m.Code);
            return new MunicipalityView(
                m.Code, m.Name, m.Prefecture,
                e is null || e.IsNull ? null : [e.MinX, e.MinY, e.MaxX, e.MaxY],
                new LayerCounts(hubs.GetValueOrDefault(m.Code), districts.GetValueOrDefault(m.Code), u?.Count ?? 0, shelters.GetValueOrDefault(m.Code)),
                u?.Population ?? 0, networks.Contains(m.Code))
            {
                Facilities = [.. facilities.Where(f => f.MunicipalityCode == m.Code).OrderBy(f => f.Category).Select(f =>
                    new FacilityCategoryView(f.Category, f.Count, f.DatasetId is { } id ? facilityDatasets[id].Title : null,
                        f.DatasetId is { } id2 ? facilityDatasets[id2].Attribution : null))],
            };
        }).ToArray();
        return TypedResults.Ok(views);
    }

    private static string? ValidateCode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }
        if (!MunicipalityCode().IsMatch(code))
        {
            throw FukushiMapError.Invalid("invalid-municipality-code",
                $"市区町村コードは5桁の数字で指定してください（例: 35202）。受け取った値: {code}");
        }
        return code;
    }

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex MunicipalityCode();
}
