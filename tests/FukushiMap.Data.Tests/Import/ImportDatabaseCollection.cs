namespace FukushiMap.Data.Tests.Import;

/// <summary>
/// The import tests compare row counts of every table before and after a refused import, so the tests that write
/// to the same databases (reference, imports) run one after another; other test classes still run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ImportDatabaseCollection
{
    public const string Name = "import-databases";
}
