using Microsoft.Extensions.DependencyInjection;
using FukushiMap.Analysis.Parameters;
using FukushiMap.Analysis.Cities;
using FukushiMap.Core;
using System.Collections.Concurrent;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Analysis.Versions;
using System.Diagnostics;
using FukushiMap.Core.Coverage;
using FukushiMap.Core.Network;
using FukushiMap.Data;
using FukushiMap.Data.Coverage;
using FukushiMap.Data.Versions;
using NetTopologySuite.Geometries;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.IO;
using Microsoft.Extensions.Logging;

namespace FukushiMap.Analysis.Coverage;

/// <summary>
/// A municipality's population placed on its walking network, prepared once and shared read-only by every analysis.
/// </summary>
public sealed class CoverageCity
{
    /// <summary>District layers kept per city.</summary>
    public const int LayerCapacity = 16;

    private readonly VersionedCache<string, CoverageLayer?> _layers;

    internal CoverageCity(DataVersions versions, CityNetwork network, CoverageInputs inputs, WalkingGraph graph, PopulationPlacement placement,
        TimeSpan preparedIn)
    {
        _layers = new(versions, LayerCapacity, DataTables.DistrictLayers, DataTables.Districts);
        Network = network;
        Inputs = inputs;
        Graph = graph;
        Placement = placement;
        Analyzer = new CoverageAnalyzer(graph, placement);
        PreparedIn = preparedIn;
        UnitLayer = CoverageLayer.ForUnits(this);
    }

    public CityNetwork Network { get; }
    public CoverageInputs Inputs { get; }

    /// <summary>The network with costs floored at the plane length (see <see cref="CoverageGraph.WithPlaneLengthFloor"/>).</summary>
    public WalkingGraph Graph { get; }
    public PopulationPlacement Placement { get; }
    public CoverageAnalyzer Analyzer { get; }

    /// <summary>True when the placement was read from a prepared file (<see cref="PreparedCityStore"/>), false when made from PostGIS.</summary>
    public bool ReadFromDisk { get; init; }

    /// <summary>Time taken to load the units and place them (the network load excluded).</summary>
    public TimeSpan PreparedIn { get; }

    /// <summary>Credit lines that do not depend on the hubs, per district layer key.</summary>
    internal ConcurrentDictionary<string, List<string?>> Credits { get; } = new(StringComparer.Ordinal);

    /// <summary>The 町丁・字 cells as a district layer (the fallback when the municipality has no district polygons).</summary>
    public CoverageLayer UnitLayer { get; }

    internal Task<CoverageLayer?> GetLayerAsync(string key, Func<string, Task<CoverageLayer?>> load, CancellationToken ct) =>
        _layers.GetAsync(key, load, ct);
}

/// <summary>A district layer with every placement and a locator for hubs: the rows of a coverage table.</summary>
public sealed class CoverageLayer
{
    /// <summary>Key of the 町丁・字 fallback layer (rows = population units).</summary>
    public const string UnitsKey = "units";

    private CoverageLayer(string key, string kind, string name, bool isUnitCells, string? attribution, CoverageDistrict[] districts,
        int[] districtOfPlacement, DistrictLocator locator)
    {
        Key = key; Kind = kind; Name = name; IsUnitCells = isUnitCells; Attribution = attribution;
        Districts = districts; DistrictOfPlacement = districtOfPlacement; Locator = locator;
    }

    public string Key { get; }
    public string Kind { get; }
    public string Name { get; }

    /// <summary>True for the 町丁・字 cells (estimated areas around representative points, unless polygons were imported).</summary>
    public bool IsUnitCells { get; }
    public string? Attribution { get; }
    public CoverageDistrict[] Districts { get; }
    public int[] DistrictOfPlacement { get; }
    public DistrictLocator Locator { get; }

    internal static CoverageLayer ForUnits(CoverageCity city)
    {
        var inputs = city.Inputs;
        var cells = city.Placement.Cells;
        var districts = inputs.Units.Select((u, i) => new CoverageDistrict(u.Code, u.Name, cells[i].Area, cells[i].Kind)).ToArray();
        var allPolygons = cells.All(c => c.Kind == CellKind.Polygon);
        var unitOf = Enumerable.Range(0, city.Placement.Count).Select(city.Placement.Unit).ToArray();
        return new CoverageLayer(UnitsKey, "町丁・字",
            allPolygons ? "町丁・字" : "町丁・字（代表点のボロノイ領域を面積で制限した推定範囲）",
            !allPolygons, inputs.PopulationAttribution, districts, unitOf, new DistrictLocator(districts.Select(d => d.Area).ToList()));
    }

    internal static CoverageLayer ForDistricts(CoverageCity city, DistrictLayerInfo info, List<DistrictInput> rows)
    {
        var districts = rows.Select(d => new CoverageDistrict(d.Code ?? d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            d.Name, d.Area, null)).ToArray();
        var locator = new DistrictLocator(districts.Select(d => d.Area).ToList());
        return new CoverageLayer(info.Key, info.Kind, info.Name, false, info.Attribution, districts,
            locator.LocatePlacements(city.Placement), locator);
    }
}

/// <summary>One district (plane metres).</summary>
/// <param name="CellKind">For 町丁・字 rows: how the cell was made; null for imported district polygons.</param>
public sealed record CoverageDistrict(string Code, string Name, Geometry Area, CellKind? CellKind);

/// <summary>
/// Prepares each municipality's coverage once (units loaded, cells built, people placed on the network) and its district layers on
/// first use, under the analysis layer's cache policy (<see cref="VersionedCache{TKey,TValue}"/>).
/// </summary>
public sealed class CoverageService(IServiceScopeFactory scopes, NetworkCatalog networks, DataVersions versions, HubCatalogue hubs,
    PreparedCityStore prepared, ILogger<CoverageService>? log = null)
{
    /// <summary>Kind (file extension) of a prepared placement in the <see cref="PreparedCityStore"/>.</summary>
    public const string PreparedKind = "coverage";

    /// <summary>The tables a prepared city is built from.</summary>
    public static readonly string[] Tables = [.. NetworkCatalog.Tables, DataTables.PopulationUnits, DataTables.Municipalities];

    /// <summary>The hubs the analyses count from.</summary>
    public HubCatalogue Hubs { get; } = hubs;

    /// <summary>Prepared cities kept in memory at once.</summary>
    public const int Capacity = 16;

    private readonly VersionedCache<string, CoverageCity?> _cities = new(versions, Capacity, Tables);

    /// <summary>
    /// The prepared city, or null when the municipality is unknown. A city without a walking network is prepared on
    /// <see cref="CityNetwork.StraightLine"/>: everyone counted by straight line.
    /// </summary>
    public async Task<CoverageCity?> GetCityAsync(string municipalityCode, CancellationToken ct = default, IProgress<string>? progress = null)
    {
        while (true)
        {
            var network = await networks.GetAsync(municipalityCode, ct);
            var city = await _cities.GetAsync(municipalityCode, code => PrepareAsync(code, progress), ct);
            // Both follow the same versions; a city prepared on a network replaced in between is prepared again.
            if (city is null || (city.Network.IsStraightLine ? network is null : ReferenceEquals(city.Network, network)))
            {
                return city;
            }
            await versions.RefreshAsync(ct);
        }
    }

    /// <summary>The district layer <paramref name="key"/> of the city (<see cref="CoverageLayer.UnitsKey"/> or empty: the 町丁・字 cells), or null when unknown.</summary>
    public async Task<CoverageLayer?> GetLayerAsync(CoverageCity city, string? key, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(key) || key == CoverageLayer.UnitsKey) return city.UnitLayer;
        return await city.GetLayerAsync(key, async key =>
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
            var info = (await CoverageInputLoader.LayersAsync(db, city.Inputs.MunicipalityCode)).FirstOrDefault(l => l.Key == key);
            if (info is null) return null;
            var rows = await CoverageInputLoader.DistrictsAsync(db, info.Id, city.Inputs.Projector);
            return rows.Count == 0 ? null : CoverageLayer.ForDistricts(city, info, rows);
        }, ct);
    }

    private async Task<CoverageCity?> PrepareAsync(string municipalityCode, IProgress<string>? progress)
    {
        // The versions are read before the rows: a file keyed by them never claims newer data than it holds.
        var current = await versions.CurrentAsync();
        progress?.Report("歩行ネットワークを読み込み中…");
        var network = await networks.GetOrStraightLineAsync(municipalityCode);
        if (network is null) return null;
        if (network.IsStraightLine) progress?.Report($"歩行ネットワークがないため、{CityNetwork.StraightLineLabel}で数えます。");
        var clock = Stopwatch.StartNew();
        var key = PreparedCityStore.Key(PreparedKind, municipalityCode, current, Tables,
            NetworkCatalog.PreparedKey(municipalityCode, current, network.Loaded.Network));
        // The cost-floored graph does not depend on the file (nor the file on it): it is made on another thread while the file is read.
        var floored = Task.Run(() => CoverageGraph.WithPlaneLengthFloor(network.Graph));
        if (await prepared.TryReadAsync(PreparedKind, municipalityCode, key) is { } bytes)
        {
            try
            {
                using var reader = new BinaryReader(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false));
                var (readInputs, readPlacement) = PreparedCityFormat.ReadCoverage(reader, municipalityCode, network.Loaded.Projector, network.Graph.EdgeCount);
                var read = new CoverageCity(versions, network, readInputs, await floored, readPlacement, clock.Elapsed) { ReadFromDisk = true };
                log?.LogInformation("準備済みの人口の配置 {Municipality} を {Milliseconds} ms で読みました。", municipalityCode, clock.ElapsedMilliseconds);
                progress?.Report($"準備済みの人口の配置（{readPlacement.TotalPeople:N0} 人、{readPlacement.Count:N0} か所）を読みました（{clock.ElapsedMilliseconds:N0} ms）。");
                return read;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or ParseException)
            {
                log?.LogWarning("準備済みの人口の配置 {Municipality} は使えません（{Reason}）。作り直します。", municipalityCode, e.Message);
            }
        }
        progress?.Report("町丁・字別人口を読み込み中…");
        CoverageInputs inputs;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FukushiMapDbContext>();
            inputs = await CoverageInputLoader.LoadAsync(db, municipalityCode, network.Loaded.Projector);
        }
        progress?.Report($"町丁・字 {inputs.Units.Length:N0} 件の範囲（ボロノイ領域）を作成中…");
        var factory = network.Loaded.Projector.PlaneFactory;
        var cells = PopulationCells.Build(inputs.Units, inputs.Boundary, factory);
        progress?.Report("人口を道路の上に配置中…");
        var placement = PopulationPlacer.Place(network.Snapper, inputs.Units, cells,
            new PlacementOptions { BandNames = inputs.Bands.Select(b => b.Name).ToArray() });
        await prepared.WriteAsync(PreparedKind, municipalityCode, key, w => PreparedCityFormat.WriteCoverage(w, inputs, placement, network.Graph.EdgeCount));
        var city = new CoverageCity(versions, network, inputs, await floored, placement, clock.Elapsed);
        log?.LogInformation("人口の配置 {Municipality} を PostGIS から {Milliseconds} ms で作りました。", municipalityCode, clock.ElapsedMilliseconds);
        progress?.Report($"人口 {placement.TotalPeople:N0} 人を {placement.Count:N0} か所に配置しました（{clock.ElapsedMilliseconds:N0} ms）。");
        return city;
    }
}
