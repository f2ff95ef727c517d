using FukushiMap.Core.Directions;
using NetTopologySuite.Geometries;

namespace FukushiMap.Core.Tests.Directions;

public class WalkingDirectionsTests
{
    private static RoutePiece Piece(string? name, params (double X, double Y)[] points) =>
        RoutePiece.Along(name, name is null ? "footway" : "residential", [.. points.Select(p => new Coordinate(p.X, p.Y))]);

    private static string Describe(List<WalkingStep> steps) => string.Join(" | ", steps.Select(s => s.Kind switch
    {
        StepKind.Depart => $"出発 {s.Heading} {s.Name ?? "道なり"} {s.RoundedMetres}",
        StepKind.Turn => $"{s.Turn} {s.Name ?? "道なり"} {s.RoundedMetres}",
        _ => "着",
    }));

    [Fact]
    public void AStraightStreetInSeveralPiecesIsOneStep()
    {
        // Situation (north up, 100 m between nodes):
        //
        //   S --(常盤通り)--> (1) --(常盤通り)--> (2) --(常盤通り)--> H
        //   (0,0)            (100,0)            (200,0)             (300,0)
        var steps = WalkingDirections.Build([
            Piece("常盤通り", (0, 0), (100, 0)), Piece("常盤通り", (100, 0), (200, 0)), Piece("常盤通り", (200, 0), (300, 0))]);

        Assert.Equal("出発 東 常盤通り 300 | 着", Describe(steps));
    }

    [Fact]
    public void ANamedStreetThatBendsIsStillOneStep()
    {
        // Situation: 常盤通り runs east 100 m, then bends north for 100 m; the walker simply follows it.
        //
        //                (100,100) H
        //                   |
        //   S ----------- (100,0)
        var steps = WalkingDirections.Build([Piece("常盤通り", (0, 0), (100, 0)), Piece("常盤通り", (100, 0), (100, 100))]);

        Assert.Equal("出発 東 常盤通り 200 | 着", Describe(steps));
    }

    [Theory]
    // Situation: east along 常盤通り to (100,0), then 50 m onto 琴芝通り:
    //
    //          (100,50)            left: north
    //             |
    //   S ----- (100,0) ----- (150,0)   straight: east
    //             |       \
    //          (100,-50)   (135,-35)   right: south; slight right: south-east
    [InlineData(100, 50, TurnDirection.Left)]
    [InlineData(100, -50, TurnDirection.Right)]
    [InlineData(150, 0, TurnDirection.Straight)]
    [InlineData(135, -35, TurnDirection.SlightRight)]
    [InlineData(135, 35, TurnDirection.SlightLeft)]
    [InlineData(65, -35, TurnDirection.SharpRight)]
    [InlineData(65, 35, TurnDirection.SharpLeft)]
    public void AChangeOfStreetTurnsByTheChangeOfBearing(double x, double y, TurnDirection expected)
    {
        var steps = WalkingDirections.Build([Piece("常盤通り", (0, 0), (100, 0)), Piece("琴芝通り", (100, 0), (x, y))]);

        Assert.Equal(3, steps.Count);
        Assert.Equal(StepKind.Turn, steps[1].Kind);
        Assert.Equal(expected, steps[1].Turn);
        Assert.Equal("琴芝通り", steps[1].Name);
        Assert.Equal(50, steps[1].RoundedMetres);
    }

    [Fact]
    public void UnnamedWaysMergeWhileStraightAndSplitAtATurn()
    {
        // Situation: three unnamed footways; the second bends 10° (道なり), the third turns right at (200,-17).
        //
        //   S ------- (100,0) ------- (200,-17)
        //                                 |
        //                              (200,-117) H
        var steps = WalkingDirections.Build([
            Piece(null, (0, 0), (100, 0)), Piece(null, (100, 0), (200, -17)), Piece(null, (200, -17), (200, -117))]);

        Assert.Equal("出発 東 道なり 200 | Right 道なり 100 | 着", Describe(steps));
    }

    [Fact]
    public void GoingBackTheWayOneCameIsAUTurn()
    {
        // Situation: the start lies on 則貞通り but the way on starts back past it, along the parallel 小路 2 m to the side.
        //
        //   S ----------------> (80,0)
        //   (0,-2) <----------- (80,-2)   then on to (-100,-2)
        var steps = WalkingDirections.Build([Piece("則貞通り", (0, 0), (80, 0)), Piece(null, (80, 0), (80, -2)), Piece("小路", (80, -2), (-100, -2))]);

        Assert.Equal(TurnDirection.UTurn, steps[1].Turn);
        Assert.Equal("小路", steps[1].Name);
    }

    [Fact]
    public void VeryShortPiecesNeverMakeAStepOfTheirOwn()
    {
        // Situation: a 4 m walk from the door onto 常盤通り, a 6 m crossing of a side street that has no name, 常盤通り again,
        // and a 3 m walk off the street to the hub's door.
        //
        //   S (0,-4)
        //   |
        //   (0,0) ---常盤通り--- (100,0) -crossing- (106,0) ---常盤通り--- (200,0)
        //                                                                    |
        //                                                                    H (200,3)
        var steps = WalkingDirections.Build([
            Piece(null, (0, -4), (0, 0)), Piece("常盤通り", (0, 0), (100, 0)), Piece(null, (100, 0), (106, 0)),
            Piece("常盤通り", (106, 0), (200, 0)), Piece(null, (200, 0), (200, 3))]);

        // The heading is the street's (east), not the 4 m walk onto it (north).
        Assert.Equal("出発 東 常盤通り 210 | 着", Describe(steps));
        Assert.Equal(207, steps[0].Metres, 6);
    }

    [Fact]
    public void StepMetresAddUpToTheRoute()
    {
        // Situation: a zigzag of named and unnamed pieces, 37 m to 143 m long.
        var pieces = new List<RoutePiece>
        {
            Piece(null, (0, 0), (0, 37)), Piece("A通り", (0, 37), (143, 37)), Piece("A通り", (143, 37), (143, 90)),
            Piece(null, (143, 90), (200, 90)), Piece("B通り", (200, 90), (200, 10)), Piece(null, (200, 10), (260, 10)),
        };
        var steps = WalkingDirections.Build(pieces);

        Assert.Equal(pieces.Sum(p => p.LengthMetres), steps.Sum(s => s.Metres), 6);
        Assert.Equal(StepKind.Arrive, steps[^1].Kind);
        Assert.Equal(5, steps.Count(s => s.Kind != StepKind.Arrive));
    }

    [Fact]
    public void StairsOnTheWayAreSaidInTheirStep()
    {
        // Situation: 常盤通り east, then left up an unnamed footway whose middle 8 m are steps (階段), straight on to the hub.
        //
        //   (100,60) H
        //      |  footway
        //   (100,38)
        //      |  steps (8 m)
        //   (100,30)
        //      |  footway
        //   S ---常盤通り--- (100,0)
        var steps = WalkingDirections.Build([
            Piece("常盤通り", (0, 0), (100, 0)), Piece(null, (100, 0), (100, 30)),
            RoutePiece.Along(null, WalkingDirections.StepsHighway, new Coordinate(100, 30), new Coordinate(100, 38)), Piece(null, (100, 38), (100, 60))]);

        Assert.Equal("出発 東 常盤通り 100 | Left 道なり 60 | 着", Describe(steps));
        Assert.Equal([false, true, false], steps.Select(s => s.Stairs));
    }

    [Fact]
    public void AnEmptyRouteHasNoSteps()
    {
        Assert.Empty(WalkingDirections.Build([]));
        Assert.Empty(WalkingDirections.Build([Piece(null, (5, 5), (5, 5))]));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 10)]
    [InlineData(14.9, 10)]
    [InlineData(15, 20)]
    [InlineData(123, 120)]
    [InlineData(1234, 1230)]
    public void MetresAreToldToTheNearestTenAndAtLeastTen(double metres, double told) =>
        Assert.Equal(told, WalkingDirections.RoundMetres(metres));

    [Theory]
    [InlineData(90, "北")]
    [InlineData(45, "北東")]
    [InlineData(0, "東")]
    [InlineData(-45, "南東")]
    [InlineData(-90, "南")]
    [InlineData(-135, "南西")]
    [InlineData(180, "西")]
    [InlineData(135, "北西")]
    [InlineData(100, "北")]
    public void CompassWordsNameTheEightDirections(double mathDegrees, string word) =>
        Assert.Equal(word, WalkingDirections.CompassWord(mathDegrees));
}
