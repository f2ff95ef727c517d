using System.Runtime.InteropServices;
using FukushiMap.Core.Coverage;
using FukushiMap.Core.Geodesy;
using FukushiMap.Core.Network;
using FukushiMap.Data.Coverage;
using FukushiMap.Data.Entities;
using FukushiMap.Data.Network;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace FukushiMap.Analysis.Cities;

/// <summary>
/// The compact binary form of a prepared city (<see cref="PreparedCityStore"/>): flat arrays written as raw little-endian bytes
/// (read back with one copy each, no parsing), strings once each, geometries as WKB. The graph is rebuilt with
/// <see cref="WalkingGraphBuilder.FromArrays"/> (CSR from the arrays, no per-edge adds).
/// </summary>
internal static class PreparedCityFormat
{
    // ---- The network: nodes, edges, geometry, names.

    public static void WriteNetwork(BinaryWriter w, LoadedNetwork network)
    {
        var g = network.Graph;
        WriteArray(w, g.NodeIds);
        WriteArray(w, g.NodeXs);
        WriteArray(w, g.NodeYs);
        WriteArray(w, g.EdgeSources);
        WriteArray(w, g.EdgeTargets);
        WriteArray(w, g.EdgeLengths);
        WriteArray(w, g.EdgeInputForward);
        WriteArray(w, g.EdgeInputReverse);
        WriteArray(w, g.EdgeSteps);
        WriteArray(w, g.GeometryOffsets);
        WriteArray(w, g.GeometryXs);
        WriteArray(w, g.GeometryYs);
        WriteStrings(w, network.EdgeNames);
        WriteStrings(w, network.EdgeHighways);
    }

    public static LoadedNetwork ReadNetwork(BinaryReader r, RoadNetwork row, PlaneProjector projector)
    {
        var nodes = new WalkingGraphNodes(ReadArray<long>(r), ReadArray<double>(r), ReadArray<double>(r));
        var edges = new WalkingGraphEdges(ReadArray<int>(r), ReadArray<int>(r), ReadArray<float>(r), ReadArray<float>(r),
            ReadArray<float>(r), ReadArray<bool>(r), ReadArray<int>(r), ReadArray<double>(r), ReadArray<double>(r));
        var graph = WalkingGraphBuilder.FromArrays(nodes, edges);
        var names = ReadStrings(r);
        var highways = ReadStrings(r);
        if (names.Length != graph.EdgeCount || highways.Length != graph.EdgeCount)
            throw new InvalidDataException("edge labels do not match the edges");
        EnsureEnd(r);
        return new LoadedNetwork(row, graph, projector) { EdgeNames = names, EdgeHighways = highways };
    }

    // ---- The population: units, cells and their placement on the network.

    public static void WriteCoverage(BinaryWriter w, CoverageInputs inputs, PopulationPlacement placement, int edgeCount)
    {
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false);
        w.Write(edgeCount);
        w.Write(inputs.MunicipalityName);
        WriteNullable(w, inputs.PopulationAttribution);
        w.Write(inputs.Bands.Length);
        foreach (var band in inputs.Bands)
        {
            w.Write(band.Key);
            w.Write(band.Name);
        }
        WriteGeometry(w, wkb, inputs.Boundary);
        WriteArray(w, inputs.UnitIds);
        w.Write(inputs.Units.Length);
        foreach (var u in inputs.Units)
        {
            w.Write(u.Code);
            w.Write(u.Name);
            w.Write(u.Population);
            w.Write(u.Point.X);
            w.Write(u.Point.Y);
            w.Write(u.AreaSquareMetres.HasValue);
            w.Write(u.AreaSquareMetres ?? 0);
            WriteGeometry(w, wkb, u.Polygon);
            WriteArray(w, u.Bands?.ToArray() ?? [], present: u.Bands is not null);
        }

        // Placement.
        w.Write(placement.Cells.Count);
        foreach (var cell in placement.Cells)
        {
            w.Write((byte)cell.Kind);
            WriteGeometry(w, wkb, cell.Area);
        }
        w.Write(placement.UnitPlacements.Count);
        foreach (var u in placement.UnitPlacements)
        {
            w.Write(u.OnStreets); w.Write(u.AtPoint); w.Write(u.NoNetworkOutsideExtent); w.Write(u.NoNetworkBeyondSnap);
            w.Write(u.StreetSamples); w.Write(u.StreetMetres); w.Write(u.ShareInsideExtent); w.Write(u.PointSnapMetres);
        }
        WriteArray(w, MemoryMarshal.Cast<PlacementKind, int>(placement.Kinds).ToArray());
        WriteArray(w, placement.UnitIndex);
        WriteArray(w, placement.Xs);
        WriteArray(w, placement.Ys);
        WriteArray(w, placement.People);
        w.Write(placement.Bands.Length);
        foreach (var band in placement.Bands) WriteArray(w, band);
        WriteStrings(w, [.. placement.BandNames]);
        WriteGeometry(w, wkb, placement.NetworkExtent);
        w.Write(placement.SampleSpacingMetres);
        var snaps = placement.Snaps;
        var snapNumbers = new double[snaps.Length * 7];
        var snapFlags = new int[snaps.Length * 3];
        for (int i = 0; i < snaps.Length; i++)
        {
            var s = snaps[i];
            snapNumbers[7 * i] = s.Query.X; snapNumbers[7 * i + 1] = s.Query.Y;
            snapNumbers[7 * i + 2] = s.Fraction; snapNumbers[7 * i + 3] = s.OffsetMetres; snapNumbers[7 * i + 4] = s.SnapMetres;
            snapNumbers[7 * i + 5] = s.Point?.X ?? 0; snapNumbers[7 * i + 6] = s.Point?.Y ?? 0;
            snapFlags[3 * i] = s.EdgeIndex; snapFlags[3 * i + 1] = s.IsOnNetwork ? 1 : 0; snapFlags[3 * i + 2] = s.Point is null ? 0 : 1;
        }
        WriteArray(w, snapNumbers);
        WriteArray(w, snapFlags);
    }

    public static (CoverageInputs Inputs, PopulationPlacement Placement) ReadCoverage(BinaryReader r, string municipalityCode,
        PlaneProjector projector, int edgeCount)
    {
        if (r.ReadInt32() != edgeCount) throw new InvalidDataException("placed on another network");
        var wkb = new WKBReader(new NtsGeometryServices(projector.PlaneFactory.PrecisionModel, projector.PlaneSrid));
        var name = r.ReadString();
        var attribution = ReadNullable(r);
        var bands = new AgeBand[r.ReadInt32()];
        for (int i = 0; i < bands.Length; i++) bands[i] = new AgeBand(r.ReadString(), r.ReadString());
        var boundary = ReadGeometry(r, wkb, projector);
        var unitIds = ReadArray<int>(r);
        var units = new PopulationUnitInput[r.ReadInt32()];
        for (int i = 0; i < units.Length; i++)
        {
            var (code, unitName, population, x, y) = (r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadDouble(), r.ReadDouble());
            var (hasArea, area) = (r.ReadBoolean(), r.ReadDouble());
            var polygon = ReadGeometry(r, wkb, projector);
            var unitBands = ReadArray<int>(r, out var present);
            units[i] = new PopulationUnitInput(code, unitName, population, new Coordinate(x, y))
            {
                AreaSquareMetres = hasArea ? area : null, Polygon = polygon, Bands = present ? unitBands : null,
            };
        }
        var inputs = new CoverageInputs(municipalityCode, name, projector, units, unitIds, boundary, bands, attribution);

        var cells = new PopulationCell[r.ReadInt32()];
        for (int i = 0; i < cells.Length; i++)
        {
            var kind = (CellKind)r.ReadByte();
            cells[i] = new PopulationCell(ReadGeometry(r, wkb, projector) ?? throw new InvalidDataException("cell without area"), kind);
        }
        var unitPlacements = new UnitPlacement[r.ReadInt32()];
        for (int i = 0; i < unitPlacements.Length; i++)
        {
            unitPlacements[i] = new UnitPlacement(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(),
                r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        }
        var kinds = MemoryMarshal.Cast<int, PlacementKind>(ReadArray<int>(r)).ToArray();
        var unitIndex = ReadArray<int>(r);
        var xs = ReadArray<double>(r);
        var ys = ReadArray<double>(r);
        var people = ReadArray<int>(r);
        var placedBands = new int[r.ReadInt32()][];
        for (int b = 0; b < placedBands.Length; b++) placedBands[b] = ReadArray<int>(r);
        var bandNames = ReadStrings(r).Select(n => n ?? "").ToArray();
        var extent = ReadGeometry(r, wkb, projector) ?? throw new InvalidDataException("no network extent");
        var spacing = r.ReadDouble();
        var snapNumbers = ReadArray<double>(r);
        var snapFlags = ReadArray<int>(r);
        int count = people.Length;
        if (kinds.Length != count || unitIndex.Length != count || xs.Length != count || ys.Length != count
            || snapNumbers.Length != 7 * count || snapFlags.Length != 3 * count || placedBands.Any(b => b.Length != count)
            || cells.Length != units.Length || unitPlacements.Length != units.Length || unitIds.Length != units.Length)
            throw new InvalidDataException("placement arrays differ in length");
        var snaps = new NetworkSnap[count];
        for (int i = 0; i < count; i++)
        {
            if ((uint)unitIndex[i] >= (uint)units.Length) throw new InvalidDataException("placement of an unknown unit");
            snaps[i] = new NetworkSnap
            {
                Query = new Coordinate(snapNumbers[7 * i], snapNumbers[7 * i + 1]),
                Fraction = snapNumbers[7 * i + 2],
                OffsetMetres = snapNumbers[7 * i + 3],
                SnapMetres = snapNumbers[7 * i + 4],
                Point = snapFlags[3 * i + 2] == 0 ? null : new Coordinate(snapNumbers[7 * i + 5], snapNumbers[7 * i + 6]),
                EdgeIndex = snapFlags[3 * i],
                IsOnNetwork = snapFlags[3 * i + 1] != 0,
            };
        }
        EnsureEnd(r);
        var placement = new PopulationPlacement(units, cells, unitPlacements, kinds, unitIndex, snaps, xs, ys, people, placedBands,
            bandNames, extent, spacing);
        return (inputs, placement);
    }

    // ---- Pieces.

    private static void WriteArray<T>(BinaryWriter w, T[] values, bool present = true) where T : unmanaged
    {
        w.Write(present ? values.Length : -1);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadArray<T>(BinaryReader r) where T : unmanaged =>
        ReadArray<T>(r, out var present) is var values && present ? values : throw new InvalidDataException("missing array");

    private static T[] ReadArray<T>(BinaryReader r, out bool present) where T : unmanaged
    {
        int length = r.ReadInt32();
        present = length >= 0;
        if (length <= 0) return [];
        var remaining = r.BaseStream.Length - r.BaseStream.Position;
        if ((long)length * Marshal.SizeOf<T>() > remaining) throw new InvalidDataException("array longer than the file");
        var values = GC.AllocateUninitializedArray<T>(length);
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Strings with repeats written once: a table of distinct strings, then an index per item (-1 = null).</summary>
    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string?> items)
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        var indices = new int[items.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = items[i] is { } s ? (table.TryGetValue(s, out var k) ? k : table[s] = table.Count) : -1;
        }
        w.Write(table.Count);
        foreach (var s in table.OrderBy(kv => kv.Value)) w.Write(s.Key);
        WriteArray(w, indices);
    }

    private static string?[] ReadStrings(BinaryReader r)
    {
        var table = new string[r.ReadInt32()];
        for (int i = 0; i < table.Length; i++) table[i] = r.ReadString();
        var indices = ReadArray<int>(r);
        var items = new string?[indices.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (indices[i] >= table.Length) throw new InvalidDataException("string index out of range");
            items[i] = indices[i] < 0 ? null : table[indices[i]];
        }
        return items;
    }

    private static void WriteNullable(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteGeometry(BinaryWriter w, WKBWriter wkb, Geometry? geometry)
    {
        if (geometry is null)
        {
            w.Write(-1);
            return;
        }
        var bytes = wkb.Write(geometry);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static Geometry? ReadGeometry(BinaryReader r, WKBReader wkb, PlaneProjector projector)
    {
        int length = r.ReadInt32();
        if (length < 0) return null;
        var geometry = wkb.Read(r.ReadBytes(length));
        geometry.SRID = projector.PlaneSrid;
        return geometry;
    }

    private static void EnsureEnd(BinaryReader r)
    {
        if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException("bytes left over");
    }
}
