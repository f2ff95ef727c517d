using FukushiMap.Core.Geodesy;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Network;

/// <summary>
/// The part of an OSM file to keep: a municipality's boundary widened by a margin measured in metres on the municipality's plane
/// (<see cref="PlaneProjector"/>). A way is kept when any of its nodes lies inside.
/// </summary>
public sealed class OsmClipArea
{
    private readonly IndexedPointInAreaLocator _locator;
    private readonly Envelope _envelope;

    private OsmClipArea(Geometry lonLat, string label)
    {
        Area = lonLat;
        Label = label;
        _envelope = lonLat.EnvelopeInternal;
        _locator = new IndexedPointInAreaLocator(lonLat);
    }

    /// <summary>The area in lon/lat (SRID 6668).</summary>
    public Geometry Area { get; }

    /// <summary>What the area is, for messages (e.g. 「宇部市（35202）の境界と余白 1,000 m」).</summary>
    public string Label { get; }

    /// <summary>
    /// <paramref name="boundary"/> (lon/lat) widened by <paramref name="marginMetres"/> on <paramref name="projector"/>'s plane
    /// (arcs of 32 segments per quarter circle, so corners are off by less than 0.2 % of the margin).
    /// </summary>
    public static OsmClipArea Around(Geometry boundary, PlaneProjector projector, double marginMetres, string label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(marginMetres);
        var area = boundary;
        if (marginMetres > 0)
        {
            var plane = projector.ToPlane(boundary);
            area = projector.ToLonLat(plane.Buffer(marginMetres, 32));
        }
        return new OsmClipArea(area, label);
    }

    /// <summary>True when the point (degrees) lies inside the area or on its edge.</summary>
    public bool Contains(double lon, double lat) =>
        _envelope.Contains(lon, lat) && _locator.Locate(new Coordinate(lon, lat)) != Location.Exterior;
}
