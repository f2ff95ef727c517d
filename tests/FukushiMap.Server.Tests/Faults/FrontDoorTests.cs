namespace FukushiMap.Server.Tests.Faults;

public class FrontDoorTests
{
    [Theory]
    // Debian upgraded postgresql-15 under the running cluster: restart.
    [InlineData("PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
        "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", true)]
    // Only the packaging revision changed: still another binary.
    [InlineData("PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu", "postgres (PostgreSQL) 15.20 (Debian 15.20-1.pgdg120+1)", true)]
    [InlineData("PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc", "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", false)]
    [InlineData("PostgreSQL 15.4 on x86_64-pc-linux-gnu", "postgres (PostgreSQL) 15.4", false)]
    // An answer it cannot read is no reason to restart a database.
    [InlineData("", "postgres (PostgreSQL) 15.20", false)]
    public async Task TheFrontDoorRestartsAClusterWhoseServerIsNotTheInstalledBuild(string running, string installed, bool restart)
    {
        var (code, _, error) = await FrontDoor.RunFunctionAsync($"server_outdated '{running}' '{installed}'");
        Assert.True(code is 0 or 1, error);
        Assert.Equal(restart, code == 0);
    }

    [Fact]
    public async Task TheInitdbPasswordFileIsNeverMadeReadableByOthers()
    {
        var script = await File.ReadAllTextAsync(FrontDoor.Path);
        Assert.DoesNotContain("chmod 644", script);
        Assert.DoesNotMatch(@"chmod [0-7]?[0-7][1-7][1-7]? ""\$pwfile""", script);
        var (code, output, _) = await FrontDoor.RunFunctionAsync("f=$(mktemp); stat -c %a \"$f\"; rm -f \"$f\"");
        Assert.Equal(0, code);
        Assert.Equal("600", output.Trim());
    }

    /// <summary>
    /// Runs the front door's <c>build</c> in a throw-away checkout whose <c>dotnet</c> only counts its runs (and fails while
    /// a <c>fail</c> file exists); prints the count after each step.
    /// </summary>
    private const string Checkout = """
        ROOT=$(mktemp -d); STATE=$ROOT/.fukushimap; trap 'rm -rf "$ROOT"' EXIT
        mkdir -p "$STATE" "$ROOT/src/App" "$ROOT/tests" "$ROOT/bench/results" "$ROOT/wwwroot" "$(dirname "$(server_dll)")" "$(dirname "$(app_dll)")"
        touch "$ROOT/FukushiMap.sln" "$ROOT/Directory.Build.props" "$ROOT/src/App/App.cs" "$ROOT/wwwroot/index.html" "$(server_dll)" "$(app_dll)"
        dotnet() { echo "$1" >>"$ROOT/builds"; [ ! -f "$ROOT/fail" ]; }
        builds() { echo "$1 $(cat "$ROOT/builds" 2>/dev/null | wc -l)"; }

        """;

    [Fact]
    public async Task TheFrontDoorBuildsOnlyWhenASourceChanged()
    {
        var (code, output, error) = await FrontDoor.RunFunctionAsync(Checkout + """
            build; builds first
            build; builds unchanged
            echo '// changed' >>"$ROOT/src/App/App.cs"; build; builds source
            touch "$ROOT/src/App/New.cs"; build; builds added
            echo 'a result' >"$ROOT/bench/results/latest.md"; mkdir -p "$ROOT/src/App/obj"; touch "$ROOT/src/App/obj/x.dll"; build; builds outputs
            touch -d '+1 hour' "$ROOT/Directory.Build.props"; build; builds props
            build --always; builds always
            """);

        Assert.True(code == 0, error);
        Assert.Equal(["first 1", "unchanged 1", "source 2", "added 3", "outputs 3", "props 4", "always 5"], Lines(output));
    }

    [Fact]
    public async Task TheServerThatCommandsRunIsPublishedOnlyWhenASourceChangedApartFromTheTestBuild()
    {
        var (code, output, error) = await FrontDoor.RunFunctionAsync(Checkout + """
            publish_app; builds first
            publish_app; builds unchanged
            build; builds "solution built"
            publish_app; builds "still unchanged"
            echo '// changed' >>"$ROOT/src/App/App.cs"; publish_app; builds source
            grep -c publish "$ROOT/builds"
            """);

        Assert.True(code == 0, error);
        Assert.Equal(["first 1", "unchanged 1", "solution built 2", "still unchanged 2", "source 3", "2"], Lines(output));
    }

    [Fact]
    public async Task AFailedBuildLeavesNoStampSoTheNextCommandBuildsAgain()
    {
        var (code, output, error) = await FrontDoor.RunFunctionAsync(Checkout + """
            build; builds ok
            touch "$ROOT/fail"; echo '// broken' >>"$ROOT/src/App/App.cs"
            (build) 2>/dev/null || builds failed
            [ -f "$(build_stamp)" ] && echo stamp-left
            (build) 2>/dev/null || builds "failed again"
            rm "$ROOT/fail"; build; builds fixed
            build; builds unchanged
            """);

        Assert.True(code == 0, error);
        Assert.Equal(["ok 1", "failed 2", "failed again 3", "fixed 4", "unchanged 4"], Lines(output));
    }

    /// <summary>A cluster made on port 54329 (its postgresql.conf), a <c>pg_ctl</c> that answers <c>status</c> with the code in <c>state</c>.</summary>
    private const string ClusterOnAnotherPort = """
        D=$(mktemp -d); trap 'rm -rf "$D"' EXIT; PGBIN=$D; PGPORT=54411; pg_run() { "$@"; }
        printf 'max_connections = 300\nport = 54329\n' >"$D/postgresql.conf"
        printf '#!/bin/sh\nexit $(cat "%s/state")\n' "$D" >"$D/pg_ctl"; chmod +x "$D/pg_ctl"

        """;

    [Fact]
    public async Task AClusterRunningOnAnotherPortThanFukushimapPgportStopsWithWhatToDo()
    {
        var (code, output, error) = await FrontDoor.RunFunctionAsync(ClusterOnAnotherPort + """
            echo 0 >"$D/state"; (ensure_cluster_port "$D") || echo refused; grep '^port' "$D/postgresql.conf"
            """);

        Assert.Equal(0, code);
        Assert.Equal(["refused", "port = 54329"], Lines(output));
        Assert.Contains("FUKUSHIMAP_PGPORT=54329 で実行するか、./fukushimap stop", error);
    }

    [Fact]
    public async Task AStoppedClusterMovesToThePortFukushimapPgportNames()
    {
        var (code, output, error) = await FrontDoor.RunFunctionAsync(ClusterOnAnotherPort + """
            echo 3 >"$D/state"; ensure_cluster_port "$D"; grep '^port' "$D/postgresql.conf"; ensure_cluster_port "$D" && echo again
            """);

        Assert.True(code == 0, error);
        Assert.Equal(["port = 54411", "again"], Lines(output));
    }

    [Fact]
    public async Task TheFrontDoorRoutesNoCommandThatDoesNotExist()
    {
        var (code, _, error) = await FrontDoor.RunAsync(["seed"], new Dictionary<string, string?>());

        Assert.Equal(2, code);
        Assert.Contains("使い方", error);
        Assert.DoesNotContain("|seed|", await File.ReadAllTextAsync(FrontDoor.Path));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
