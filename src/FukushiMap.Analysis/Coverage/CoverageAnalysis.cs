using Microsoft.Extensions.DependencyInjection;
using FukushiMap.Analysis.Versions;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Cities;
using FukushiMap.Core;
using FukushiMap.Analysis.Parameters;
using System.Diagnostics;
using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Coverage;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace FukushiMap.Analysis.Coverage;

/// <summary>A what-if move of an existing hub to another place.</summary>
public sealed record HubMove(int HubId, double Lon, double Lat);

/// <summary>A what-if hub that does not exist yet.</summary>
public sealed record HubAddition(double Lon, double Lat);

/// <summary>What to analyse.</summary>
/// <param name="Municipality">JIS code.</param>
/// <param name="Minutes">Walking minutes.</param>
/// <param name="Pace">Walking pace.</param>
/// <param name="HubTypes">Hub type keys (comma-separated), null for all.</param>
/// <param name="HubIds">Only these hubs, or null.</param>
/// <param name="By">District layer key; null or <c>units</c>: the 町丁・字.</param>
/// <param name="ResidentsPerHub">The 江戸川 rule's threshold.</param>
public sealed record CoverageRequest(string Municipality, double Minutes, WalkingPace Pace, string? HubTypes, List<int>? HubIds, string? By,
    double ResidentsPerHub)
{
    public List<HubMove> Moves { get; init; } = [];
    public List<HubAddition> Additions { get; init; } = [];
    public List<int> Closed { get; init; } = [];

    public double WalkMetres => Pace.MinutesToMetres(Minutes);

    /// <summary>Straight-line radius where there is no network data (metres); null: the walking distance <see cref="WalkMetres"/>.</summary>
    public double? StraightRadius { get; init; }

    /// <summary>The straight-line radius used: <see cref="StraightRadius"/> or the walking distance.</summary>
    public double StraightMetres => StraightRadius ?? WalkMetres;
}

/// <summary>A hub taking part in an analysis (real, moved or added).</summary>
/// <param name="Id">Database id; null for an added hub.</param>
/// <param name="WhatIf">null, <c>moved</c> or <c>added</c>.</param>
public sealed record AnalysisHub(int? Id, string Name, string TypeKey, string TypeName, string? Address, double Lon, double Lat,
    string? WhatIf, NetworkSnap Snap, Coordinate Plane);

/// <summary>A finished analysis: everything every output format is written from.</summary>
public sealed class CoverageRun
{
    private readonly Lazy<IReadOnlyList<CoverageGap>> _gaps;

    internal CoverageRun(CoverageRequest request, CoverageCity city, CoverageLayer layer, List<AnalysisHub> hubs, CoverageResult result,
        CoverageSummary summary, int[] hubDistricts, TimeSpan elapsed, List<string> attribution)
    {
        Request = request; City = city; Layer = layer; Hubs = hubs; Result = result; Summary = summary; HubDistricts = hubDistricts;
        Elapsed = elapsed; Attribution = attribution;
        var rankBand = Array.FindIndex(city.Inputs.Bands, b => b.Key == CoverageInputLoader.Age65PlusKey);
        // Gaps are cut by the districts of the layer, so that each is a place in one district a planner can act on.
        _gaps = new Lazy<IReadOnlyList<CoverageGap>>(() => GapFinder.FindAll(result,
            new GapOptions { RankBand = rankBand >= 0 ? rankBand : null }, city.Network.Loaded.Projector.PlaneFactory,
            new GapDistricts(layer.DistrictOfPlacement, layer.Districts.Select(d => d.Area).ToList())));
    }

    public CoverageRequest Request { get; }
    public CoverageCity City { get; }
    public CoverageLayer Layer { get; }
    public List<AnalysisHub> Hubs { get; }
    public CoverageResult Result { get; }
    public CoverageSummary Summary { get; }

    /// <summary>District (index into the layer) of each hub.</summary>
    public int[] HubDistricts { get; }
    public TimeSpan Elapsed { get; }

    /// <summary>Credit lines of every dataset the analysis used.</summary>
    public List<string> Attribution { get; }

    /// <summary>The gaps, found on first use.</summary>
    public IReadOnlyList<CoverageGap> Gaps => _gaps.Value;
}

/// <summary>Runs coverage analyses over a prepared city.</summary>
public static class CoverageAnalysis
{
    /// <summary>Runs <paramref name="request"/>; client mistakes become problem details.</summary>
    public static async Task<CoverageRun> RunAsync(FukushiMapDbContext db, CoverageService service, CoverageRequest request,
        CancellationToken ct, IProgress<string>? progress = null)
    {
        var city = await service.GetCityAsync(request.Municipality, ct, progress)
            ?? throw FukushiMapError.NotFound("unknown-municipality",
                $"市区町村コード {request.Municipality} の市区町村は取り込まれていません。");
        var layer = await service.GetLayerAsync(city, request.By, ct);
        if (layer is null)
        {
            var keys = (await CoverageInputLoader.LayersAsync(db, request.Municipality, ct)).Select(l => l.Key).Prepend(CoverageLayer.UnitsKey);
            throw FukushiMapError.Invalid("unknown-district-layer",
                $"区域レイヤー「{request.By}」はありません。使えるのは {string.Join("・", keys)} です。");
        }

        var sources = await HubSources.LoadAsync(service.Hubs, request.Municipality, request.HubTypes, request.HubIds, ct);
        var hubs = ApplyWhatIf(city, sources, request);
        if (hubs.Count > Limits.MaxHubs)
        {
            throw FukushiMapError.Invalid("too-many-hubs", $"一度に扱える拠点は {Limits.MaxHubs} か所までです。");
        }

        var clock = Stopwatch.StartNew();
        var result = city.Analyzer.Analyze(hubs.Select(h => new CoverageHub(h.Plane, h.Snap)).ToList(), request.WalkMetres,
            request.StraightMetres, ct);
        var hubDistricts = hubs.Select(h => layer.Locator.Locate(h.Plane)).ToArray();
        var summary = CoverageSummary.Summarise(result, layer.DistrictOfPlacement, layer.Districts.Length, hubDistricts, request.ResidentsPerHub);
        clock.Stop();

        var attribution = await AttributionAsync(db, city, layer, hubs, ct);
        return new CoverageRun(request, city, layer, hubs, result, summary, hubDistricts, clock.Elapsed, attribution);
    }

    private static List<AnalysisHub> ApplyWhatIf(CoverageCity city, List<HubSource> sources, CoverageRequest request)
    {
        var projector = city.Network.Loaded.Projector;
        AnalysisHub Make(int? id, string name, string typeKey, string typeName, string? address, double lon, double lat, string? whatIf)
        {
            var (x, y) = projector.ToPlane(lon, lat);
            return new AnalysisHub(id, name, typeKey, typeName, address, lon, lat, whatIf, city.Network.Snapper.Snap(x, y), new Coordinate(x, y));
        }
        var known = sources.Select(s => s.Id).ToHashSet();
        var unknown = request.Moves.Select(m => m.HubId).Concat(request.Closed).Where(id => !known.Contains(id)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw FukushiMapError.Invalid("unknown-hub",
                $"拠点 id {string.Join("、", unknown)} は選んだ拠点の中にありません。");
        }
        var moves = request.Moves.GroupBy(m => m.HubId).ToDictionary(g => g.Key, g => g.Last());
        var hubs = new List<AnalysisHub>();
        foreach (var s in sources)
        {
            if (request.Closed.Contains(s.Id)) continue;
            hubs.Add(moves.TryGetValue(s.Id, out var m)
                ? Make(s.Id, s.Name, s.TypeKey, s.TypeName, s.Address, m.Lon, m.Lat, "moved")
                : Make(s.Id, s.Name, s.TypeKey, s.TypeName, s.Address, s.Lon, s.Lat, null));
        }
        var n = 0;
        foreach (var a in request.Additions)
        {
            hubs.Add(Make(null, $"新しい拠点の案 {++n}", "proposed", "新しい拠点の案", null, a.Lon, a.Lat, "added"));
        }
        return hubs;
    }

    private static async Task<List<string>> AttributionAsync(FukushiMapDbContext db, CoverageCity city, CoverageLayer layer,
        List<AnalysisHub> hubs, CancellationToken ct)
    {
        var lines = new List<string?>();
        var ids = hubs.Where(h => h.Id is not null).Select(h => h.Id!.Value).ToList();
        lines.AddRange(await db.Hubs.Where(h => ids.Contains(h.Id) && h.Dataset != null).Select(h => h.Dataset!.Attribution).Distinct().ToListAsync(ct));
        // The credits of the population, the district layer, the network and the boundary do not change between analyses.
        if (!city.Credits.TryGetValue(layer.Key, out var fixedLines))
        {
            var networkName = city.Network.Loaded.Network.Name;
            fixedLines =
            [
                city.Inputs.PopulationAttribution,
                layer.Attribution,
                city.Network.IsStraightLine ? null
                    : await db.RoadNetworks.Where(n => n.Name == networkName).Select(n => n.Dataset == null ? null : n.Dataset.Attribution).FirstOrDefaultAsync(ct)
                        ?? "© OpenStreetMap contributors",
                await db.Municipalities.Where(m => m.Code == city.Inputs.MunicipalityCode).Select(m => m.Dataset == null ? null : m.Dataset.Attribution)
                    .FirstOrDefaultAsync(ct),
            ];
            city.Credits[layer.Key] = fixedLines;
        }
        lines.AddRange(fixedLines);
        return lines.OfType<string>().Where(l => l.Length > 0).Distinct().ToList();
    }
}
