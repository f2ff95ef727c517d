using FukushiMap.Data.Entities;
using FukushiMap.Data.Welfare;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data;

/// <summary>
/// The one store: PostGIS. Geometry columns are JGD2011 lon/lat (SRID 6668); lengths and areas are computed
/// in each municipality's plane zone, never in degrees. Table and column names are snake_case so that
/// psql, QGIS and pgRouting users read them as they expect.
/// </summary>
public partial class FukushiMapDbContext(DbContextOptions<FukushiMapDbContext> options)
    : IdentityDbContext<WelfareUser, WelfareRole, string>(options)
{
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<Municipality> Municipalities => Set<Municipality>();
    public DbSet<HubType> HubTypes => Set<HubType>();
    public DbSet<Hub> Hubs => Set<Hub>();
    public DbSet<DistrictLayer> DistrictLayers => Set<DistrictLayer>();
    public DbSet<District> Districts => Set<District>();
    public DbSet<PopulationUnit> PopulationUnits => Set<PopulationUnit>();
    public DbSet<Shelter> Shelters => Set<Shelter>();
    public DbSet<Facility> Facilities => Set<Facility>();
    public DbSet<PlanningRule> PlanningRules => Set<PlanningRule>();
    public DbSet<RoadNetwork> RoadNetworks => Set<RoadNetwork>();
    public DbSet<NetworkNode> NetworkNodes => Set<NetworkNode>();
    public DbSet<NetworkEdge> NetworkEdges => Set<NetworkEdge>();
    public DbSet<ActiveNetwork> ActiveNetworks => Set<ActiveNetwork>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasPostgresExtension("postgis");
        modelBuilder.HasPostgresExtension("pgrouting");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FukushiMapDbContext).Assembly);
    }
}
