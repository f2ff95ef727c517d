using FukushiMap.Analysis.Evacuation;
using System.Net;
using System.Text.Json;
using FukushiMap.Core.Network;
using FukushiMap.Data.Welfare;
using FukushiMap.Analysis.Cities;
using FukushiMap.Analysis.Hubs;
using FukushiMap.Server.WelfareMap;
using Google.OrTools.Sat;
using Google.OrTools.Util;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FukushiMap.Server.Tests.WelfareMap;

/// <summary>
/// Plays the subtraction attack on the planner aggregates as an attacker who knows the suppression rule would: ask every
/// layer, minutes and pace the API could take, then, per 地区, let an integer solver find whether any value but the true one
/// fits everything published (parent minus parts, total minus each category, one
/// distance minus another, the rule itself). A suppressed count is recovered when nothing else fits.
/// </summary>
[Collection(WelfareCollection.Name)]
public sealed class SuppressionAttackTests(WelfareFixture fixture, ITestOutputHelper output)
{
    private static readonly int[] s_menu = [.. AggregateSuppression.MinutesMenu];

    /// <summary>What the attacker collected for one 地区 (null = suppressed), over every answered question.</summary>
    private sealed record Figures(int? Households, int? OffNetwork, int?[] BeyondHubs, int?[] BeyondShelters);

    [Fact]
    public async Task NoSuppressedCountIsRecoveredByAnyCombinationOfLayersDistrictsAndFilters()
    {
        // Small cells: a few households at one spot (same distances) on top of the demo data.
        for (var i = 0; i < 3; i++)
        {
            await fixture.CreateHouseholdAsync(fixture.Own.Id);
        }
        using var client = await fixture.SignInAsNewUserAsync(WelfareRoles.Planner);

        // 1. Ask everything. Only the fixed layer, the minutes menu and the elderly pace are answered.
        var answers = new Dictionary<int, JsonElement>();
        foreach (var layer in new string?[] { null, "demo-chiku", "demo-minsei-area", "no-such-layer" })
        {
            foreach (var minutes in new[] { 1, 5, 7, 10, 12, 15, 20, 25, 30, 45, 60, 120 })
            {
                foreach (var pace in new double?[] { null, 48, 60, 80 })
                {
                    var url = $"api/households/aggregates?minutes={minutes}" + (layer is null ? "" : $"&layer={layer}") + (pace is null ? "" : $"&pace={pace}");
                    var response = await client.GetAsync(url);
                    var answered = (layer is null or "demo-chiku") && s_menu.Contains(minutes) && pace is null or 60;
                    if (!answered)
                    {
                        Assert.True(response.StatusCode is HttpStatusCode.BadRequest, $"{url}: {response.StatusCode}");
                        var problem = await WelfareClient.ReadAsync(response);
                        Assert.Contains("application/problem+json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
                        Assert.Matches(@"\p{IsHiragana}", problem.GetProperty("detail").GetString()!);
                        continue;
                    }
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    var body = await WelfareClient.ReadAsync(response);
                    var previous = answers.GetValueOrDefault(minutes);
                    if (previous.ValueKind != JsonValueKind.Undefined)
                    {
                        // The same question always gets the same answer.
                        Assert.Equal(previous.GetProperty("districts").GetRawText(), body.GetProperty("districts").GetRawText());
                    }
                    answers[minutes] = body;
                }
            }
        }

        // 2. Gather, per 地区, every figure published in any answer.
        var figures = new Dictionary<int, Figures>();
        foreach (var (minutes, body) in answers)
        {
            var i = Array.IndexOf(s_menu, minutes);
            foreach (var row in body.GetProperty("districts").EnumerateArray())
            {
                var id = row.GetProperty("districtId").GetInt32();
                var f = figures.GetValueOrDefault(id) ?? new Figures(Value(row, "households"), Value(row, "offNetwork"), new int?[s_menu.Length], new int?[s_menu.Length]);
                Assert.Equal(f.Households, Value(row, "households"));
                Assert.Equal(f.OffNetwork, Value(row, "offNetwork"));
                f.BeyondHubs[i] = Value(row, "beyondHubs");
                f.BeyondShelters[i] = Value(row, "beyondShelters");
                figures[id] = f;
            }
        }

        // 3. The truth, to check what is shown and that the attacker's model admits it.
        var truth = await TruthAsync();
        var shown = 0;
        var suppressed = 0;
        var recovered = new List<string>();
        foreach (var (id, f) in figures)
        {
            var t = truth[id];
            Assert.True(Holds(f, t), $"地区 {id}: the attacker's model must admit the true counts");
            foreach (var (name, published, actual) in Pairs(f, t))
            {
                if (published is { } value)
                {
                    Assert.Equal(actual, value);
                    Assert.True(value >= AggregateSuppression.Threshold);
                    shown++;
                    continue;
                }
                suppressed++;
                if (!OtherValuePossible(f, name, actual))
                {
                    recovered.Add($"地区 {id} {name} = {actual}");
                }
            }
        }
        output.WriteLine($"{figures.Count} 地区, {shown} counts shown, {suppressed} suppressed, {recovered.Count} recovered");
        Assert.True(shown > 20 && suppressed > 20, $"shown {shown}, suppressed {suppressed}: the fixture must have both");
        Assert.Empty(recovered);
    }

    [Fact]
    public void TheRuleHidesADifferenceOfOneToFourAndAZeroThatWouldPinASuppressedCount()
    {
        // 12 households, 3 off the network (hidden) → on the network 9 is not derivable; beyond at the menu distances:
        // 9 (12 − 9 = 3 → hidden), 7 (12 − 7 = 5 → shown), 6 (7 − 6 = 1 → hidden), 2 (small → hidden), 0 (hidden).
        var p = AggregateSuppression.Decide(12, 3, [9, 7, 6, 2, 0], [12 - 3, 9, 9, 9, 4]);

        Assert.Equal(12, p.Households.Value);
        Assert.True(p.OffNetwork.Suppressed);
        Assert.Equal([null, 7, null, null, null], p.BeyondHubs.Select(c => c.Value));
        // Shelters: 9 would give the hidden off-network count plus those near (12 − 9 = 3) → hidden, three times; 4 is small.
        Assert.All(p.BeyondShelters, c => Assert.True(c.Suppressed));
        // Under five households: nothing at all.
        Assert.All(AggregateSuppression.Decide(4, 0, [4, 4, 4, 4, 4], [0, 0, 0, 0, 0]).BeyondHubs, c => Assert.True(c.Suppressed));
    }

    private static int? Value(JsonElement row, string name)
    {
        var c = row.GetProperty(name);
        return c.GetProperty("suppressed").GetBoolean() ? null : c.GetProperty("value").GetInt32();
    }

    private sealed record Truth(int Households, int OffNetwork, int[] HubBands, int[] ShelterBands)
    {
        public int Beyond(int[] bands, int i) => bands.Skip(i + 1).Sum();
    }

    private static IEnumerable<(string Name, int? Published, int Actual)> Pairs(Figures f, Truth t)
    {
        yield return ("households", f.Households, t.Households);
        yield return ("offNetwork", f.OffNetwork, t.OffNetwork);
        for (var i = 0; i < s_menu.Length; i++)
        {
            yield return ($"beyondHubs@{s_menu[i]}", f.BeyondHubs[i], t.Beyond(t.HubBands, i));
            yield return ($"beyondShelters@{s_menu[i]}", f.BeyondShelters[i], t.Beyond(t.ShelterBands, i));
        }
    }

    /// <summary>
    /// True counts per 地区 of the aggregate layer: households (PostGIS point in polygon), off the network, and on-network
    /// households per band of walking distance to the nearest hub / 指定避難所 (band i+1 = beyond menu distance i).
    /// </summary>
    private async Task<Dictionary<int, Truth>> TruthAsync()
    {
        await using var db = fixture.Database.CreateContext();
        var layer = await db.DistrictLayers.SingleAsync(l => l.MunicipalityCode == "35202" && l.Key == DemoWelfareData.ChikuLayerKey);
        var districts = await db.Districts.Where(d => d.LayerId == layer.Id).Select(d => d.Id).ToListAsync();
        var households = await db.Households.Where(h => h.MunicipalityCode == "35202" && h.Status == HouseholdStatuses.Active)
            .Select(h => new
            {
                h.Location.X,
                h.Location.Y,
                District = db.Districts.Where(d => d.LayerId == layer.Id && d.Geometry.Covers(h.Location)).OrderBy(d => d.Id).Select(d => (int?)d.Id).FirstOrDefault(),
            }).ToListAsync();
        var city = (await fixture.Services.GetRequiredService<NetworkCatalog>().GetAsync("35202"))!;
        var hubs = await HubSources.LoadAsync(fixture.Services.GetRequiredService<HubCatalogue>(), "35202", null, null, CancellationToken.None);
        var shelters = await db.Shelters.Where(s => s.MunicipalityCode == "35202" && s.Kind == EvacuationReach.DesignatedShelter)
            .Select(s => new { s.Location.X, s.Location.Y }).ToListAsync();
        var bounds = s_menu.Select(m => m * AggregateSuppression.PaceMetresPerMinute).ToArray();
        var hubReach = WalkReach.From(city.Graph, [.. hubs.Select(h => city.Snap(h.Lon, h.Lat))], bounds[^1]);
        var shelterReach = WalkReach.From(city.Graph, [.. shelters.Select(s => city.Snap(s.X, s.Y))], bounds[^1]);
        int Band(double metres) => bounds.Count(b => metres > b);
        return districts.ToDictionary(id => id, id =>
        {
            var inside = households.Where(h => h.District == id).ToList();
            var on = inside.Where(h => city.Snap(h.X, h.Y).IsOnNetwork).ToList();
            var hubBands = new int[s_menu.Length + 1];
            var shelterBands = new int[s_menu.Length + 1];
            foreach (var h in on)
            {
                hubBands[Band(hubReach.Nearest(city.Snap(h.X, h.Y))?.Metres ?? double.PositiveInfinity)]++;
                shelterBands[Band(shelterReach.Nearest(city.Snap(h.X, h.Y))?.Metres ?? double.PositiveInfinity)]++;
            }
            return new Truth(inside.Count, inside.Count - on.Count, hubBands, shelterBands);
        });
    }

    /// <summary>
    /// The attacker's model of one 地区: unknown off-network count and band counts (hub bands and shelter bands both sum
    /// to the on-network count), every published figure as an equation, and every suppressed one constrained by the
    /// published rule (what the rule allows given the published figures above it).
    /// </summary>
    private static (CpModel Model, Dictionary<string, LinearExpr> Figures) Model(Figures f, Truth? fix = null)
    {
        var model = new CpModel();
        const int ub = 100_000;
        var off = model.NewIntVar(0, ub, "off");
        var hub = Enumerable.Range(0, s_menu.Length + 1).Select(i => model.NewIntVar(0, ub, $"hub{i}")).ToArray();
        var shelter = Enumerable.Range(0, s_menu.Length + 1).Select(i => model.NewIntVar(0, ub, $"shelter{i}")).ToArray();
        model.Add(LinearExpr.Sum(hub) == LinearExpr.Sum(shelter));
        var households = off + LinearExpr.Sum(hub);
        var exprs = new Dictionary<string, LinearExpr> { ["households"] = households, ["offNetwork"] = off };
        for (var i = 0; i < s_menu.Length; i++)
        {
            exprs[$"beyondHubs@{s_menu[i]}"] = LinearExpr.Sum(hub.Skip(i + 1));
            exprs[$"beyondShelters@{s_menu[i]}"] = LinearExpr.Sum(shelter.Skip(i + 1));
        }
        if (f.Households is not { } h)
        {
            model.Add(households <= AggregateSuppression.Threshold - 1);
        }
        else
        {
            model.Add(households == h);
            if (f.OffNetwork is { } o)
            {
                model.Add(off == o);
            }
            else
            {
                Allow(model, off, [(0, 4), (h - 4, h)]);
            }
            Chain(model, f.OffNetwork is { } known ? h - known : h, f.OffNetwork is null, f.BeyondHubs, i => exprs[$"beyondHubs@{s_menu[i]}"]);
            Chain(model, f.OffNetwork is { } known2 ? h - known2 : h, f.OffNetwork is null, f.BeyondShelters, i => exprs[$"beyondShelters@{s_menu[i]}"]);
        }
        if (fix is not null)
        {
            model.Add(off == fix.OffNetwork);
            for (var i = 0; i < hub.Length; i++)
            {
                model.Add(hub[i] == fix.HubBands[i]);
                model.Add(shelter[i] == fix.ShelterBands[i]);
            }
        }
        return (model, exprs);
    }

    private static void Chain(CpModel model, int top, bool hiddenInside, int?[] published, Func<int, LinearExpr> expr)
    {
        var above = top;
        for (var i = 0; i < published.Length; i++)
        {
            if (published[i] is { } v)
            {
                model.Add(expr(i) == v);
                above = v;
                hiddenInside = false;
            }
            else
            {
                var allowed = new List<(long, long)> { (0, 4), (above - 4, above - 1) };
                if (hiddenInside)
                {
                    allowed.Add((above, above));
                }
                Allow(model, expr(i), allowed);
                hiddenInside = true;
            }
        }
    }

    private static void Allow(CpModel model, LinearExpr e, List<(long From, long To)> intervals)
    {
        var merged = intervals.Where(x => x.To >= Math.Max(0, x.From)).Select(x => new[] { Math.Max(0, x.From), x.To }).OrderBy(x => x[0]).ToList();
        var disjoint = new List<long[]>();
        foreach (var x in merged)
        {
            if (disjoint.Count > 0 && x[0] <= disjoint[^1][1] + 1)
            {
                disjoint[^1][1] = Math.Max(disjoint[^1][1], x[1]);
            }
            else
            {
                disjoint.Add(x);
            }
        }
        model.AddLinearExpressionInDomain(e, Domain.FromIntervals([.. disjoint]));
    }

    private static bool Holds(Figures f, Truth t)
    {
        var (model, _) = Model(f, t);
        return Solve(model);
    }

    /// <summary>Whether anything but the true value is consistent with what was published (else the count is recovered).</summary>
    private static bool OtherValuePossible(Figures f, string name, int actual)
    {
        var (model, exprs) = Model(f);
        model.AddLinearExpressionInDomain(exprs[name], Domain.FromIntervals([[0, actual - 1], [actual + 1, 1_000_000]]));
        return Solve(model);
    }

    private static bool Solve(CpModel model)
    {
        // Presolve off: OR-Tools 9.15's presolve wrongly answered Infeasible for a feasible model with holes in a
        // linear domain (a hand-checked solution exists); the models here are tiny.
        var solver = new CpSolver { StringParameters = "num_workers:1,cp_model_presolve:false" };
        return solver.Solve(model) is CpSolverStatus.Optimal or CpSolverStatus.Feasible;
    }
}
