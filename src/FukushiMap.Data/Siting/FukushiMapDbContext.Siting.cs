using FukushiMap.Data.Siting;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data;

// Saved siting scenarios live in the one context.
public partial class FukushiMapDbContext
{
    public DbSet<SitingScenario> SitingScenarios => Set<SitingScenario>();
}
