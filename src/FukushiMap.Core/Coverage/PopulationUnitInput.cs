using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Coverage;

/// <summary>
/// A census small area (町丁・字) as the coverage analysis sees it. Positions and shapes are plane metres
/// (平面直角座標系 of the municipality; the caller projects).
/// </summary>
/// <param name="Code">The unit's code (e-Stat KEY_CODE).</param>
/// <param name="Name">Its name (e.g. 則貞２丁目).</param>
/// <param name="Population">People living there, ≥ 0.</param>
/// <param name="Point">Representative point, plane metres.</param>
public sealed record PopulationUnitInput(string Code, string Name, int Population, Coordinate Point)
{
    /// <summary>Published area in m² (e-Stat AREA), used to limit the unit's cell when it has no polygon.</summary>
    public double? AreaSquareMetres { get; init; }

    /// <summary>The unit's polygon (plane metres) when one was imported; then it is the unit's cell.</summary>
    public Geometry? Polygon { get; init; }

    /// <summary>People per age band, in the order of <see cref="PlacementOptions.BandNames"/>; null when not known.</summary>
    public IReadOnlyList<int>? Bands { get; init; }
}

/// <summary>How a unit's cell (the area its people are spread over) was made.</summary>
public enum CellKind
{
    /// <summary>The unit's own imported polygon.</summary>
    Polygon,
    /// <summary>The Voronoi cell of its representative point, clipped to the municipality and to a circle of the unit's published area.</summary>
    VoronoiLimitedByArea,
    /// <summary>The Voronoi cell of its representative point clipped to the municipality (no area published).</summary>
    Voronoi,
}

/// <summary>A unit's cell: plane polygon and how it was made.</summary>
public sealed record PopulationCell(Geometry Area, CellKind Kind);
