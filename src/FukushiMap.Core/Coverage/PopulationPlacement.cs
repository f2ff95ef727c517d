using FukushiMap.Core.Network;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Coverage;

/// <summary>Where a group of placed people stands.</summary>
public enum PlacementKind
{
    /// <summary>On a street inside the unit's cell (a point on an edge; no walk onto the network).</summary>
    Street,
    /// <summary>At the unit's representative point, snapped onto the nearest street (its cell holds no street).</summary>
    RepresentativePoint,
    /// <summary>Not on the network: beyond the maximum snap distance, or outside the network data's extent.
    /// Counted as <c>no_network</c>, never as covered or uncovered; positioned at the representative point.</summary>
    NoNetwork,
}

/// <summary>Options for <see cref="PopulationPlacer"/>.</summary>
public sealed record PlacementOptions
{
    /// <summary>Street samples are taken about this often along every street (metres). Default 25 m.</summary>
    public double SampleSpacingMetres { get; init; } = 25;

    /// <summary>
    /// The area the network data covers (plane metres). Null: the convex hull of the network's nodes.
    /// The share of a cell lying more than <see cref="ExtentMarginMetres"/> outside it is counted as <c>no_network</c>
    /// (the data ends there; streets beyond it are unknown, not absent).
    /// </summary>
    public Geometry? NetworkExtent { get; init; }

    /// <summary>Margin around the extent, metres; null: the snapper's maximum snap distance.</summary>
    public double? ExtentMarginMetres { get; init; }

    /// <summary>Names of the age bands carried by <see cref="PopulationUnitInput.Bands"/>; empty when none.</summary>
    public IReadOnlyList<string> BandNames { get; init; } = [];
}

/// <summary>How one unit's people were placed.</summary>
/// <param name="OnStreets">People spread over street samples inside the cell.</param>
/// <param name="AtPoint">People at the snapped representative point (the cell holds no street).</param>
/// <param name="NoNetworkOutsideExtent">People in the share of the cell outside the network data's extent.</param>
/// <param name="NoNetworkBeyondSnap">People whose representative point is beyond the maximum snap distance of any street.</param>
/// <param name="StreetSamples">Street samples inside the cell.</param>
/// <param name="StreetMetres">Metres of street inside the cell.</param>
/// <param name="ShareInsideExtent">Share (0..1) of the cell's area inside the network data's extent.</param>
/// <param name="PointSnapMetres">Distance from the representative point to the nearest street, metres (+∞ without streets).</param>
public sealed record UnitPlacement(int OnStreets, int AtPoint, int NoNetworkOutsideExtent, int NoNetworkBeyondSnap,
    int StreetSamples, double StreetMetres, double ShareInsideExtent, double PointSnapMetres)
{
    /// <summary>People not on the network, all reasons.</summary>
    public int NoNetwork => NoNetworkOutsideExtent + NoNetworkBeyondSnap;
}

/// <summary>
/// The population of a municipality placed onto its walking network, once, for any number of coverage analyses.
/// Each placement is a whole number of people (and of each age band) at one position; the placements of a unit add up
/// to the unit's figures exactly. Plane metres. Read-only after construction.
/// </summary>
public sealed class PopulationPlacement
{
    internal PopulationPlacement(PopulationUnitInput[] units, PopulationCell[] cells, UnitPlacement[] unitPlacements,
        PlacementKind[] kinds, int[] unitIndex, NetworkSnap[] snaps, double[] xs, double[] ys, int[] people, int[][] bands,
        string[] bandNames, Geometry extent, double spacing)
    {
        Units = units; Cells = cells; UnitPlacements = unitPlacements;
        Kinds = kinds; UnitIndex = unitIndex; Snaps = snaps; Xs = xs; Ys = ys; People = people; Bands = bands;
        BandNames = bandNames; NetworkExtent = extent; SampleSpacingMetres = spacing;
    }

    /// <summary>The units, as given.</summary>
    public IReadOnlyList<PopulationUnitInput> Units { get; }

    /// <summary>Each unit's cell.</summary>
    public IReadOnlyList<PopulationCell> Cells { get; }

    /// <summary>How each unit's people were placed.</summary>
    public IReadOnlyList<UnitPlacement> UnitPlacements { get; }

    /// <summary>Age band names (empty when the units carry none).</summary>
    public IReadOnlyList<string> BandNames { get; }

    /// <summary>The network data's extent used (plane metres, margin included).</summary>
    public Geometry NetworkExtent { get; }

    /// <summary>Spacing of the street samples, metres.</summary>
    public double SampleSpacingMetres { get; }

    /// <summary>Number of placements.</summary>
    public int Count => People.Length;

    internal readonly PlacementKind[] Kinds;
    internal readonly int[] UnitIndex;
    internal readonly NetworkSnap[] Snaps;
    internal readonly double[] Xs;
    internal readonly double[] Ys;
    internal readonly int[] People;
    internal readonly int[][] Bands; // [band][placement]

    /// <summary>Kind of placement <paramref name="i"/>.</summary>
    public PlacementKind Kind(int i) => Kinds[i];

    /// <summary>Unit (index into <see cref="Units"/>) of placement <paramref name="i"/>.</summary>
    public int Unit(int i) => UnitIndex[i];

    /// <summary>People at placement <paramref name="i"/>.</summary>
    public int PeopleAt(int i) => People[i];

    /// <summary>People of band <paramref name="band"/> at placement <paramref name="i"/>.</summary>
    public int BandAt(int band, int i) => Bands[band][i];

    /// <summary>Where the people of placement <paramref name="i"/> are (plane metres): the street point, or the representative point.</summary>
    public Coordinate Position(int i) => new(Xs[i], Ys[i]);

    /// <summary>The network position of placement <paramref name="i"/> (off-network for <see cref="PlacementKind.NoNetwork"/>).</summary>
    public NetworkSnap Snap(int i) => Snaps[i];

    /// <summary>All people placed (= Σ unit populations).</summary>
    public long TotalPeople => People.Sum(p => (long)p);
}
