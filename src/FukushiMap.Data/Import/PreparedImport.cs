using FukushiMap.Data.Entities;
using FukushiMap.Data.Import.Formats;
using FukushiMap.Data.Import.Importers;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import;

/// <summary>Where an address lies, as the finder's offline address table has it.</summary>
/// <param name="Label">The 町丁・字 matched, e.g. 「江戸川区中央一丁目」.</param>
/// <param name="Lon">JGD2011 longitude (degrees).</param>
/// <param name="Lat">JGD2011 latitude (degrees).</param>
/// <param name="Precision">How precise the point is, in Japanese (町丁・字の代表点 …).</param>
public sealed record AddressMatch(string Label, double Lon, double Lat, string Precision);

/// <summary>Places an address inside one municipality (the finder's gazetteer); null when nothing matches.</summary>
public interface IAddressLocator
{
    AddressMatch? Locate(string municipalityCode, string address);
}

/// <summary>An address of a row without coordinates and where it was placed (<see cref="Match"/> null: not found).</summary>
public sealed record GeocodedAddress(int Row, string Field, string Address, AddressMatch? Match);

/// <summary>One mapped feature for a preview: its row, name and geometry in JGD2011 lon/lat.</summary>
public sealed record PreviewFeature(int? Row, string Name, Geometry Geometry);

/// <summary>
/// A file read, checked and mapped but not written (<see cref="Importer.PreviewAsync"/>): what an upload page previews, and
/// what <see cref="Importer.CommitAsync"/> writes when <see cref="Problems"/> is empty.
/// </summary>
public sealed class PreparedImport
{
    internal PreparedImport(ImportRequest request, FeatureFile file, ProblemList problems, KindImporter importer, KindContext context,
        string datasetKey, DatasetInfo credit, Municipality? municipality)
    {
        Request = request;
        File = file;
        ProblemList = problems;
        Importer = importer;
        Context = context;
        DatasetKey = datasetKey;
        Credit = credit;
        Municipality = municipality;
    }

    public ImportRequest Request { get; }
    public FeatureFile File { get; }
    internal ProblemList ProblemList { get; }
    internal KindImporter Importer { get; }
    internal KindContext Context { get; }
    public string DatasetKey { get; }
    internal DatasetInfo Credit { get; }
    internal Municipality? Municipality { get; }

    /// <summary>Every problem found, by row and field.</summary>
    public IReadOnlyList<ImportProblem> Problems => ProblemList.Items;

    /// <summary>The columns the importer used, by role (name, lon, lat, address, code …); a role it found no column for is absent.</summary>
    public IReadOnlyDictionary<string, string> Columns => Importer.Columns;

    /// <summary>The features that passed every check, as they would be written.</summary>
    public IReadOnlyList<PreviewFeature> Features => Importer.Preview;

    /// <summary>Addresses placed by the locator, and those it could not place (each also a problem).</summary>
    public IReadOnlyList<GeocodedAddress> Geocoded => Context.Geocoded;

    /// <summary>What the readers and the importer decided, in Japanese.</summary>
    public IReadOnlyList<string> Notes => [.. File.Notes, .. Importer.Notes, .. Context.Checks.Repairs];
}
