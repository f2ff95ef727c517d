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
}
