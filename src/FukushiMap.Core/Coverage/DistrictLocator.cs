using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace FukushiMap.Core.Coverage;

/// <summary>
/// Finds the district holding a point (plane metres): the lowest-numbered district whose polygon contains it (its
/// boundary included), else the nearest district, so that every person and hub lands in exactly one district and the
/// district rows always add up to the whole. Read-only after construction; safe to share across threads.
/// </summary>
public sealed class DistrictLocator
{
    private readonly Geometry[] _districts;
    private readonly IndexedPointInAreaLocator[] _locators;
    private readonly STRtree<int> _tree = new();

    /// <summary>Indexes <paramref name="districts"/> (polygons, plane metres).</summary>
    public DistrictLocator(IReadOnlyList<Geometry> districts)
    {
        ArgumentNullException.ThrowIfNull(districts);
        _districts = districts.ToArray();
        _locators = new IndexedPointInAreaLocator[_districts.Length];
        for (int i = 0; i < _districts.Length; i++)
        {
            if (_districts[i].IsEmpty) continue;
            _locators[i] = new IndexedPointInAreaLocator(_districts[i]);
            _tree.Insert(_districts[i].EnvelopeInternal, i);
        }
        _tree.Build();
    }

    /// <summary>Number of districts.</summary>
    public int Count => _districts.Length;

    /// <summary>The district holding <paramref name="point"/>, else the nearest; -1 when there are no districts.</summary>
    public int Locate(Coordinate point)
    {
        if (_tree.Count == 0) return -1;
        int found = -1;
        foreach (int i in _tree.Query(new Envelope(point)))
            if ((found < 0 || i < found) && _locators[i].Locate(point) != Location.Exterior) found = i;
        if (found >= 0) return found;
        var factory = _districts.First(d => !d.IsEmpty).Factory;
        var p = factory.CreatePoint(point);
        return _tree.NearestNeighbour(new Envelope(point), -1, new DistanceToPoint(_districts, p));
    }

    /// <summary>The district of every placement.</summary>
    public int[] LocatePlacements(PopulationPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var result = new int[placement.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Locate(new Coordinate(placement.Xs[i], placement.Ys[i]));
        return result;
    }

    private sealed class DistanceToPoint(Geometry[] districts, Point point) : IItemDistance<Envelope, int>
    {
        public double Distance(IBoundable<Envelope, int> item1, IBoundable<Envelope, int> item2)
        {
            int i = item1.Item >= 0 ? item1.Item : item2.Item;
            return districts[i].Distance(point);
        }
    }
}
