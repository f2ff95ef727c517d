using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FukushiMap.Data.Welfare;

// Identity's tables get plain snake_case names beside the rest of the schema (welfare_users, welfare_roles …).
internal sealed class WelfareUserConfiguration : IEntityTypeConfiguration<WelfareUser>
{
    public void Configure(EntityTypeBuilder<WelfareUser> b)
    {
        b.ToTable("welfare_users");
        b.Property(u => u.DisplayName).HasMaxLength(100);
    }
}

internal sealed class WelfareRoleConfiguration : IEntityTypeConfiguration<WelfareRole>
{
    public void Configure(EntityTypeBuilder<WelfareRole> b)
    {
        b.ToTable("welfare_roles");
        // The five roles exist from the migration on (fixed ids; Identity normalises names with ToUpperInvariant).
        b.HasData(WelfareRoles.All.Select((name, i) => new WelfareRole(name)
        {
            Id = $"role-{i + 1}",
            NormalizedName = name.ToUpperInvariant(),
            ConcurrencyStamp = $"role-{i + 1}",
        }));
    }
}

internal sealed class IdentityTablesConfiguration :
    IEntityTypeConfiguration<IdentityUserRole<string>>, IEntityTypeConfiguration<IdentityUserClaim<string>>,
    IEntityTypeConfiguration<IdentityUserLogin<string>>, IEntityTypeConfiguration<IdentityUserToken<string>>,
    IEntityTypeConfiguration<IdentityRoleClaim<string>>
{
    public void Configure(EntityTypeBuilder<IdentityUserRole<string>> b) => b.ToTable("welfare_user_roles");
    public void Configure(EntityTypeBuilder<IdentityUserClaim<string>> b) => b.ToTable("welfare_user_claims");
    public void Configure(EntityTypeBuilder<IdentityUserLogin<string>> b) => b.ToTable("welfare_user_logins");
    public void Configure(EntityTypeBuilder<IdentityUserToken<string>> b) => b.ToTable("welfare_user_tokens");
    public void Configure(EntityTypeBuilder<IdentityRoleClaim<string>> b) => b.ToTable("welfare_role_claims");
}

internal sealed class DistrictGrantConfiguration : IEntityTypeConfiguration<DistrictGrant>
{
    public void Configure(EntityTypeBuilder<DistrictGrant> b)
    {
        b.ToTable("district_grants");
        b.HasOne(g => g.User).WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(g => g.District).WithMany().HasForeignKey(g => g.DistrictId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(g => new { g.UserId, g.DistrictId });
        b.Property(g => g.Name).HasMaxLength(200);
    }
}

internal sealed class HouseholdConfiguration : IEntityTypeConfiguration<Household>
{
    public void Configure(EntityTypeBuilder<Household> b)
    {
        b.ToTable("households", t =>
        {
            t.HasCheckConstraint("ck_households_consent_state", "consent_state IN ('同意', '不同意', '未確認')");
            t.HasCheckConstraint("ck_households_status", "status IN ('active', 'moved', 'deceased')");
            t.HasComment("要配慮個人情報。架空のデモデータのみ。OGC API では公開しない（/api/households のみ）。");
        });
        b.Property(h => h.Location).HasColumnType("geometry(Point,6668)");
        b.HasIndex(h => h.Location).HasMethod("gist");
        b.HasIndex(h => h.DistrictId);
        b.HasOne(h => h.District).WithMany().HasForeignKey(h => h.DistrictId).OnDelete(DeleteBehavior.Restrict);
        b.Property(h => h.MunicipalityCode).HasMaxLength(5).IsFixedLength();
        b.Property(h => h.Version).IsRowVersion();
    }
}

internal sealed class WatcherConfiguration : IEntityTypeConfiguration<Watcher>
{
    public void Configure(EntityTypeBuilder<Watcher> b)
    {
        b.ToTable("watchers");
        b.Property(w => w.Location).HasColumnType("geometry(Point,6668)");
        b.HasIndex(w => w.DistrictId);
        b.HasOne(w => w.District).WithMany().HasForeignKey(w => w.DistrictId).OnDelete(DeleteBehavior.Restrict);
        b.Property(w => w.Version).IsRowVersion();
    }
}

internal sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSession>
{
    public void Configure(EntityTypeBuilder<SignInSession> b)
    {
        b.ToTable("welfare_sessions", t => t.HasComment("サーバー側のセッション。ended_at が入ったセッションのクッキーは使えない。"));
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.EndReason).HasMaxLength(20);
        b.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.UserId);
    }
}

internal sealed class WatcherAssignmentConfiguration : IEntityTypeConfiguration<WatcherAssignment>
{
    public void Configure(EntityTypeBuilder<WatcherAssignment> b)
    {
        b.ToTable("watcher_assignments");
        b.HasKey(a => new { a.HouseholdId, a.WatcherId });
        b.HasOne(a => a.Household).WithMany(h => h.Watchers).HasForeignKey(a => a.HouseholdId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Watcher).WithMany(w => w.Households).HasForeignKey(a => a.WatcherId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HouseholdReviewConfiguration : IEntityTypeConfiguration<HouseholdReview>
{
    public void Configure(EntityTypeBuilder<HouseholdReview> b)
    {
        b.ToTable("household_reviews", t => t.HasCheckConstraint("ck_household_reviews_outcome", "outcome IN ('confirmed', 'changed', 'removed')"));
        b.HasIndex(r => new { r.DistrictId, r.Year });
        b.HasIndex(r => r.HouseholdId);
    }
}

internal sealed class HouseholdChangeConfiguration : IEntityTypeConfiguration<HouseholdChange>
{
    public void Configure(EntityTypeBuilder<HouseholdChange> b)
    {
        b.ToTable("household_changes");
        b.HasIndex(c => new { c.DistrictId, c.At });
        b.HasIndex(c => c.HouseholdId);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log", t => t.HasComment("追記のみ（UPDATE・DELETE・TRUNCATE はトリガーで禁止）。個人の値は記録しない。"));
        b.HasIndex(a => a.At);
        b.HasIndex(a => a.UserId);
    }
}

internal sealed class HubChangeConfiguration : IEntityTypeConfiguration<HubChange>
{
    public void Configure(EntityTypeBuilder<HubChange> b)
    {
        b.ToTable("hub_changes");
        b.Property(c => c.Snapshot).HasColumnType("jsonb");
        b.HasIndex(c => new { c.HubId, c.At });
        b.HasOne<Entities.Hub>().WithMany().HasForeignKey(c => c.HubId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>The SQL the Welfare migration runs besides the tables: the audit log's append-only trigger.</summary>
public static class WelfareSql
{
    public const string CreateAuditTrigger = """
        CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log は追記のみです（%は禁止）', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
        """;

    public const string DropAuditTrigger = """
        DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
        DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log;
        DROP FUNCTION IF EXISTS audit_log_append_only();
        """;
}
