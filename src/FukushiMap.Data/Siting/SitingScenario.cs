using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FukushiMap.Data.Siting;

/// <summary>
/// A saved siting scenario: the question asked (parameters) and the answer as it was computed (the report, JSON), so it
/// can be reopened as it was and compared with others even after the hubs or the data have changed.
/// </summary>
public class SitingScenario
{
    public int Id { get; set; }

    public required string MunicipalityCode { get; set; }

    /// <summary>The planner's name for it (e.g. 「6か所・10分・ゆっくり」).</summary>
    public required string Name { get; set; }

    public string? Note { get; set; }

    /// <summary>mclp, lscp or pmedian.</summary>
    public required string Model { get; set; }

    /// <summary>greedy or exact.</summary>
    public required string Solver { get; set; }

    /// <summary>The parameters as sent, JSON.</summary>
    public required string Parameters { get; set; }

    /// <summary>The report as computed, JSON (sites, before/after, districts, method, attribution).</summary>
    public required string Report { get; set; }

    /// <summary>Sites added.</summary>
    public int AddedSites { get; set; }

    /// <summary>People within walking reach with the existing hubs only.</summary>
    public long CoveredBefore { get; set; }

    /// <summary>People within walking reach with the added sites.</summary>
    public long CoveredAfter { get; set; }

    /// <summary>Everybody (people without network data included).</summary>
    public long Population { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class SitingScenarioConfiguration : IEntityTypeConfiguration<SitingScenario>
{
    public void Configure(EntityTypeBuilder<SitingScenario> b)
    {
        b.ToTable("siting_scenarios");
        b.Property(s => s.MunicipalityCode).HasMaxLength(5);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Note).HasMaxLength(2000);
        b.Property(s => s.Model).HasMaxLength(20);
        b.Property(s => s.Solver).HasMaxLength(20);
        b.Property(s => s.CreatedBy).HasMaxLength(256);
        b.Property(s => s.Parameters).HasColumnType("jsonb");
        b.Property(s => s.Report).HasColumnType("jsonb");
        b.HasIndex(s => new { s.MunicipalityCode, s.CreatedAt });
    }
}
