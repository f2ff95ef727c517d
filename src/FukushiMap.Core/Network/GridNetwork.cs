namespace FukushiMap.Core.Network;

/// <summary>
/// Generated street grids for tests and benches: <c>columns × rows</c> nodes, <c>spacingMetres</c> apart,
/// every neighbouring pair joined by an undirected straight street.
/// Node (c, r) has id <c>r * columns + c</c>, index <c>r * columns + c</c> and position (c·spacing, r·spacing) metres.
/// Edges are added row by row: for each node, the street east (if any) then the street north (if any).
/// </summary>
public static class GridNetwork
{
    /// <summary>Builds the grid graph.</summary>
    public static WalkingGraph Create(int columns, int rows, double spacingMetres, WalkingCostProfile? profile = null)
        => CreateBuilder(columns, rows, spacingMetres).Build(profile);

    /// <summary>A builder holding the grid, so a test can add or cut streets before building.</summary>
    public static WalkingGraphBuilder CreateBuilder(int columns, int rows, double spacingMetres)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (!(spacingMetres > 0) || !double.IsFinite(spacingMetres))
            throw new ArgumentOutOfRangeException(nameof(spacingMetres), spacingMetres, "Spacing must be positive metres.");
        var builder = new WalkingGraphBuilder();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                builder.AddNode(Id(columns, c, r), c * spacingMetres, r * spacingMetres);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                if (c + 1 < columns) builder.AddUndirectedEdge(Id(columns, c, r), Id(columns, c + 1, r), spacingMetres);
                if (r + 1 < rows) builder.AddUndirectedEdge(Id(columns, c, r), Id(columns, c, r + 1), spacingMetres);
            }
        return builder;
    }

    /// <summary>Id (and node index) of the node at column <paramref name="column"/>, row <paramref name="row"/>.</summary>
    public static long Id(int columns, int column, int row) => (long)row * columns + column;
}
