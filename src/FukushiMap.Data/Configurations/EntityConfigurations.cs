using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FukushiMap.Data.Configurations;

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> b)
    {
        b.HasIndex(d => d.Key).IsUnique();
    }
}

internal sealed class MunicipalityConfiguration : IEntityTypeConfiguration<Municipality>
{
    public void Configure(EntityTypeBuilder<Municipality> b)
    {
        b.HasKey(m => m.Code);
        b.Property(m => m.Code).HasMaxLength(5).IsFixedLength();
        b.Property(m => m.Boundary).HasColumnType("geometry(MultiPolygon,6668)");
        b.ToTable(t => t.HasCheckConstraint("ck_municipalities_plane_srid", "plane_srid BETWEEN 6669 AND 6687"));
        b.HasIndex(m => m.Boundary).HasMethod("gist");
    }
}

internal sealed class HubTypeConfiguration : IEntityTypeConfiguration<HubType>
{
    public void Configure(EntityTypeBuilder<HubType> b)
    {
        b.HasIndex(t => t.Key).IsUnique();
        b.HasIndex(t => t.Name).IsUnique();
        b.HasOne(t => t.Parent).WithMany().HasForeignKey(t => t.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class HubConfiguration : IEntityTypeConfiguration<Hub>
{
    public void Configure(EntityTypeBuilder<Hub> b)
    {
        b.Property(h => h.Location).HasColumnType("geometry(Point,6668)");
        b.HasIndex(h => h.Location).HasMethod("gist");
        b.HasIndex(h => h.MunicipalityCode);
        b.HasOne(h => h.Municipality).WithMany().HasForeignKey(h => h.MunicipalityCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(h => h.HubType).WithMany().HasForeignKey(h => h.HubTypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(h => h.Dataset).WithMany().HasForeignKey(h => h.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.OwnsMany(h => h.OpeningHours, o => o.ToJson());
    }
}

internal sealed class DistrictLayerConfiguration : IEntityTypeConfiguration<DistrictLayer>
{
    public void Configure(EntityTypeBuilder<DistrictLayer> b)
    {
        b.HasIndex(l => new { l.MunicipalityCode, l.Key }).IsUnique();
        b.HasOne(l => l.Municipality).WithMany().HasForeignKey(l => l.MunicipalityCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(l => l.Dataset).WithMany().HasForeignKey(l => l.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(l => l.Districts).WithOne(d => d.Layer).HasForeignKey(d => d.LayerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DistrictConfiguration : IEntityTypeConfiguration<District>
{
    public void Configure(EntityTypeBuilder<District> b)
    {
        b.Property(d => d.Geometry).HasColumnType("geometry(MultiPolygon,6668)");
        b.HasIndex(d => d.Geometry).HasMethod("gist");
        b.HasIndex(d => d.MunicipalityCode);
    }
}

internal sealed class PopulationUnitConfiguration : IEntityTypeConfiguration<PopulationUnit>
{
    public void Configure(EntityTypeBuilder<PopulationUnit> b)
    {
        b.Property(p => p.Point).HasColumnType("geometry(Point,6668)");
        b.Property(p => p.Polygon).HasColumnType("geometry(MultiPolygon,6668)");
        b.HasIndex(p => p.Point).HasMethod("gist");
        b.HasIndex(p => new { p.MunicipalityCode, p.KeyCode }).IsUnique();
        b.HasOne(p => p.Dataset).WithMany().HasForeignKey(p => p.DatasetId).OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("ck_population_units_population", "population >= 0"));
    }
}

internal sealed class ShelterConfiguration : IEntityTypeConfiguration<Shelter>
{
    public void Configure(EntityTypeBuilder<Shelter> b)
    {
        b.Property(s => s.Location).HasColumnType("geometry(Point,6668)");
        b.HasIndex(s => s.Location).HasMethod("gist");
        b.HasIndex(s => s.MunicipalityCode);
        b.HasOne(s => s.Dataset).WithMany().HasForeignKey(s => s.DatasetId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FacilityConfiguration : IEntityTypeConfiguration<Facility>
{
    public void Configure(EntityTypeBuilder<Facility> b)
    {
        b.Property(f => f.Location).HasColumnType("geometry(Point,6668)");
        b.HasIndex(f => f.Location).HasMethod("gist");
        b.HasIndex(f => new { f.MunicipalityCode, f.Category });
        b.HasOne(f => f.Municipality).WithMany().HasForeignKey(f => f.MunicipalityCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(f => f.Dataset).WithMany().HasForeignKey(f => f.DatasetId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PlanningRuleConfiguration : IEntityTypeConfiguration<PlanningRule>
{
    public void Configure(EntityTypeBuilder<PlanningRule> b)
    {
        b.ToTable("planning_rules", t =>
        {
            t.HasCheckConstraint("ck_planning_rules_something_to_check", "min_hubs_per_district IS NOT NULL OR max_residents_per_hub IS NOT NULL");
            t.HasCheckConstraint("ck_planning_rules_min_hubs", "min_hubs_per_district IS NULL OR min_hubs_per_district BETWEEN 1 AND 100");
            t.HasCheckConstraint("ck_planning_rules_max_residents", "max_residents_per_hub IS NULL OR max_residents_per_hub BETWEEN 1 AND 10000000");
        });
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.Source).HasMaxLength(300);
        b.Property(r => r.DistrictKind).HasMaxLength(100);
        b.Property(r => r.HubTypes).HasMaxLength(500);
        b.Property(r => r.MunicipalityCode).HasMaxLength(5);
        b.HasIndex(r => r.MunicipalityCode);
    }
}
