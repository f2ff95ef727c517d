using FukushiMap.Data.CompiledModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FukushiMap.Data.Tests;

/// <summary>
/// The server reads EF's model from the compiled model in src/FukushiMap.Data/CompiledModel (a start without building it),
/// so the compiled model must say what the code's model says. After a change to the entities or OnModelCreating, regenerate it:
/// <c>dotnet ef dbcontext optimize -p src/FukushiMap.Data -s src/FukushiMap.Server -o CompiledModel -n FukushiMap.Data.CompiledModel</c>.
/// </summary>
public class CompiledModelTests
{
    [Fact]
    public void TheContextUsesTheCompiledModelAndItHasEveryTableColumnAndIndexOfTheCodesModel()
    {
        using var db = FukushiMapDb.CreateContext("Host=127.0.0.1;Database=compiled_model_check");
        Assert.Same(FukushiMapDbContextModel.Instance, db.Model);

        // The model built from the entities and OnModelCreating, as migrations see it.
        var built = db.GetService<IDesignTimeModel>().Model;
        var expected = Describe(built);
        var actual = Describe(db.Model);
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            "src/FukushiMap.Data/CompiledModel is out of date. Regenerate it: " +
            "dotnet ef dbcontext optimize -p src/FukushiMap.Data -s src/FukushiMap.Server -o CompiledModel -n FukushiMap.Data.CompiledModel\n" +
            "only in the code's model: " + string.Join("; ", missing) + "\nonly in the compiled model: " + string.Join("; ", extra));
    }

    /// <summary>What EF reads and writes by: each entity's table, columns (store type, nullability, length, converter), keys, foreign keys and indexes.</summary>
    private static SortedSet<string> Describe(IModel model)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entity in model.GetEntityTypes())
        {
            var e = entity.Name;
            lines.Add($"{e} table {entity.GetSchema()}.{entity.GetTableName()} view {entity.GetViewName()} base {entity.BaseType?.Name}");
            foreach (var p in entity.GetProperties())
            {
                lines.Add($"{e}.{p.Name} column {p.GetColumnName()} {p.ClrType} {p.GetRelationalTypeMapping().StoreType} null {p.IsNullable} " +
                    $"max {p.GetMaxLength()} converter {p.GetValueConverter()?.GetType().Name} generated {p.ValueGenerated} concurrency {p.IsConcurrencyToken}");
            }
            foreach (var k in entity.GetKeys())
            {
                lines.Add($"{e} key {string.Join(",", k.Properties.Select(p => p.Name))} primary {k.IsPrimaryKey()}");
            }
            foreach (var f in entity.GetForeignKeys())
            {
                lines.Add($"{e} foreign key {string.Join(",", f.Properties.Select(p => p.Name))} → {f.PrincipalEntityType.Name}" +
                    $"({string.Join(",", f.PrincipalKey.Properties.Select(p => p.Name))}) {f.DeleteBehavior} required {f.IsRequired}");
            }
            foreach (var i in entity.GetIndexes())
            {
                lines.Add($"{e} index {string.Join(",", i.Properties.Select(p => p.Name))} unique {i.IsUnique}");
            }
            foreach (var n in entity.GetNavigations())
            {
                lines.Add($"{e} navigation {n.Name} → {n.TargetEntityType.Name} collection {n.IsCollection}");
            }
        }
        return lines;
    }
}
