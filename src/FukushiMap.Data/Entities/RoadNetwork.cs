using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Entities;

/// <summary>
/// A walking network imported from OSM (PBF) or an osmnx edge list. Its edges keep pgRouting's column
/// convention (id, source, target, cost, reverse_cost) so a user can run pgRouting on the same table.
/// </summary>
public class RoadNetwork
{
    public int Id { get; set; }

    /// <summary>Unique name used by the CLI and API (e.g. <c>ube-walk</c>).</summary>
    public required string Name { get; set; }

    /// <summary>The municipality whose plane zone measured the lengths, when the network belongs to one.</summary>
    public string? MunicipalityCode { get; set; }

    /// <summary>The plane CS (EPSG:6669–6687, or a local transverse Mercator stated in <see cref="PlaneDefinition"/>) of the lengths.</summary>
    public int? PlaneSrid { get; set; }

    /// <summary>Description of a local plane CS when the network is outside Japan (e.g. "TM lon0=9.5 lat0=47.1").</summary>
    public string? PlaneDefinition { get; set; }

    /// <summary>Source format: <c>osm-pbf</c> or <c>osmnx-geojson</c>.</summary>
    public required string Format { get; set; }

    public int NodeCount { get; set; }
    public int EdgeCount { get; set; }

    public int? DatasetId { get; set; }
    public Dataset? Dataset { get; set; }

    public DateTimeOffset ImportedAt { get; set; }
}

/// <summary>A network vertex; <see cref="Id"/> is the OSM node id.</summary>
public class NetworkNode
{
    public int NetworkId { get; set; }

    /// <summary>OSM node id (or the source's own node id).</summary>
    public long Id { get; set; }

    /// <summary>Position, JGD2011/WGS84 lon/lat (SRID 6668).</summary>
    public required Point Geom { get; set; }
}

/// <summary>
/// A network edge in pgRouting's convention. <see cref="Cost"/> and <see cref="ReverseCost"/> are walking metres
/// (negative = not walkable in that direction); <see cref="LengthM"/> is the length in metres measured in the plane CS
/// (or given by the source file).
/// </summary>
public class NetworkEdge
{
    public long Id { get; set; }
    public int NetworkId { get; set; }

    /// <summary>OSM node id where <see cref="Geom"/> starts.</summary>
    public long Source { get; set; }

    /// <summary>OSM node id where <see cref="Geom"/> ends.</summary>
    public long Target { get; set; }

    public double Cost { get; set; }
    public double ReverseCost { get; set; }
    public double LengthM { get; set; }
    public string? Highway { get; set; }
    public string? Name { get; set; }

    /// <summary>OSM way id(s) the edge came from, as text (osmnx may merge several).</summary>
    public string? OsmWay { get; set; }

    /// <summary>Line from source to target, lon/lat (SRID 6668).</summary>
    public required LineString Geom { get; set; }
}

/// <summary>
/// The network that serves a municipality: an explicit choice (<c>./fukushimap network activate</c>, or the first network of a
/// municipality that passes the checks on import), never simply the newest row. One row per municipality.
/// </summary>
public class ActiveNetwork
{
    /// <summary>JIS X 0402 municipality code (5 digits).</summary>
    public required string MunicipalityCode { get; set; }

    public int NetworkId { get; set; }
    public RoadNetwork? Network { get; set; }

    /// <summary>When it became live; also the version a running server compares to notice a change made by another process.</summary>
    public DateTimeOffset ActivatedAt { get; set; }

    /// <summary>The check figures at activation, in Japanese (and whether the planner confirmed a worse reach).</summary>
    public string? Checks { get; set; }
}
