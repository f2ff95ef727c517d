using FukushiMap.Data.Welfare;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Data;

// The welfare map's tables live in the one context (Identity's base class comes from FukushiMapDbContext.cs).
public partial class FukushiMapDbContext
{
    public DbSet<DistrictGrant> DistrictGrants => Set<DistrictGrant>();
    public DbSet<Household> Households => Set<Household>();
    public DbSet<Watcher> Watchers => Set<Watcher>();
    public DbSet<WatcherAssignment> WatcherAssignments => Set<WatcherAssignment>();
    public DbSet<HouseholdReview> HouseholdReviews => Set<HouseholdReview>();
    public DbSet<HouseholdChange> HouseholdChanges => Set<HouseholdChange>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<HubChange> HubChanges => Set<HubChange>();
    public DbSet<SignInSession> SignInSessions => Set<SignInSession>();
}
