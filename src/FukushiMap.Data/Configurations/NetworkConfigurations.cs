using FukushiMap.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FukushiMap.Data.Configurations;

internal sealed class RoadNetworkConfiguration : IEntityTypeConfiguration<RoadNetwork>
{
    public void Configure(EntityTypeBuilder<RoadNetwork> b)
    {
        b.ToTable("networks");
        b.HasIndex(n => n.Name).IsUnique();
        b.HasOne(n => n.Dataset).WithMany().HasForeignKey(n => n.DatasetId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ActiveNetworkConfiguration : IEntityTypeConfiguration<ActiveNetwork>
{
    public void Configure(EntityTypeBuilder<ActiveNetwork> b)
    {
        b.ToTable("active_networks");
        b.HasKey(a => a.MunicipalityCode);
        b.Property(a => a.MunicipalityCode).HasMaxLength(5);
        // A live network cannot be deleted (or replaced) from under the server: activate another one first.
        b.HasOne(a => a.Network).WithMany().HasForeignKey(a => a.NetworkId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class NetworkNodeConfiguration : IEntityTypeConfiguration<NetworkNode>
{
    public void Configure(EntityTypeBuilder<NetworkNode> b)
    {
        b.ToTable("network_nodes");
        b.HasKey(n => new { n.NetworkId, n.Id });
        b.Property(n => n.Id).ValueGeneratedNever();
        b.Property(n => n.Geom).HasColumnType("geometry(Point,6668)");
        b.HasIndex(n => n.Geom).HasMethod("gist");
        b.HasOne<RoadNetwork>().WithMany().HasForeignKey(n => n.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NetworkEdgeConfiguration : IEntityTypeConfiguration<NetworkEdge>
{
    public void Configure(EntityTypeBuilder<NetworkEdge> b)
    {
        b.ToTable("network_edges");
        b.Property(e => e.Id).UseIdentityByDefaultColumn();
        b.Property(e => e.Geom).HasColumnType("geometry(LineString,6668)");
        b.HasIndex(e => e.Geom).HasMethod("gist");
        b.HasIndex(e => new { e.NetworkId, e.Source });
        b.HasIndex(e => new { e.NetworkId, e.Target });
        b.HasOne<RoadNetwork>().WithMany().HasForeignKey(e => e.NetworkId).OnDelete(DeleteBehavior.Cascade);
    }
}
