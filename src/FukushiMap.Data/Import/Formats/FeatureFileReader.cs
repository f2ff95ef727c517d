using System.Security.Cryptography;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// Opens an input file by format (given, or from its name): GeoJSON, zipped or plain Shapefile, DBF
/// (e-Stat 小地域 tables), CSV with lon/lat columns, Excel (.xlsx, first sheet), GeoPackage. Enforces the file-size cap
/// before reading. A file on disk and an uploaded file's bytes go through the same readers.
/// </summary>
public static class FeatureFileReader
{
    /// <summary>Formats by name as the CLI accepts them.</summary>
    public static readonly string[] Formats = ["geojson", "shapefile", "dbf", "csv", "xlsx", "gpkg"];

    /// <summary>Reads <paramref name="path"/> into features in the file's CRS.</summary>
    public static FeatureFile Read(string path, ImportRequest request, ProblemList problems, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw problems.Fatal(null, null, $"ファイルが見つかりません: {path}");
        }
        if (info.Length > request.Limits.MaxFileBytes)
        {
            throw problems.Fatal(null, null, $"ファイルが大きすぎます（{info.Length:N0} バイト、上限 {request.Limits.MaxFileBytes:N0} バイト）。");
        }
        var bytes = File.ReadAllBytes(path);
        return Read(bytes, name, request, problems, progress, ct, path);
    }

    /// <summary>
    /// Reads a file's <paramref name="bytes"/> (an upload; <paramref name="path"/> when it lies on disk, for a plain .shp's
    /// and a bare DBF's side-car files) into features in the file's CRS.
    /// </summary>
    public static FeatureFile Read(byte[] bytes, string name, ImportRequest request, ProblemList problems, IProgress<ImportProgress>? progress,
        CancellationToken ct, string? path = null)
    {
        if (bytes.LongLength > request.Limits.MaxFileBytes)
        {
            throw problems.Fatal(null, null, $"ファイルが大きすぎます（{bytes.LongLength:N0} バイト、上限 {request.Limits.MaxFileBytes:N0} バイト）。");
        }
        var format = (request.Format ?? FormatFromName(name))?.ToLowerInvariant();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var file = format switch
        {
            "geojson" or "json" => GeoJsonReader.Read(bytes, name, request.Limits, problems, request.Crs, progress, ct),
            "shapefile" or "shp" when name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) => ShapefileReader.ReadZip(bytes, name, request, problems, progress, ct),
            "shapefile" or "shp" when path is not null => ShapefileReader.ReadFiles(path, request, problems, progress, ct),
            "csv" => CsvReader.Read(bytes, name, request, problems, ct, progress),
            "xlsx" => XlsxReader.Read(bytes, name, request, problems, ct, progress),
            "gpkg" or "geopackage" => GeoPackageReader.Read(bytes, name, request, problems, ct, progress),
            "dbf" or "estat-dbf" => DbfFeatureReader.Read(bytes, name, request, problems, ct,
                path is null ? null : Sibling(path, ".cpg"), path is null ? null : Sibling(path, ".prj"), progress),
            "shapefile" or "shp" => throw problems.Fatal(null, null, $"シェープファイルは .shp・.dbf・.prj を 1 つの ZIP にまとめて指定してください（{name}）。"),
            _ => throw problems.Fatal(null, null, $"ファイル形式が分かりません（{name}）。{string.Join(", ", Formats)} のいずれかにしてください。"),
        };
        return new FeatureFile
        {
            FileName = file.FileName,
            Crs = file.Crs,
            Features = file.Features,
            FieldNames = file.FieldNames,
            EncodingName = file.EncodingName,
            HeaderLine = file.HeaderLine,
            Sha256 = sha,
        }.WithNotes(file.Notes);
    }

    /// <summary>Format from a file name's extension, or null.</summary>
    public static string? FormatFromName(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower switch
        {
            _ when lower.EndsWith(".geojson") || lower.EndsWith(".json") => "geojson",
            _ when lower.EndsWith(".zip") || lower.EndsWith(".shp") => "shapefile",
            _ when lower.EndsWith(".dbf") => "dbf",
            _ when lower.EndsWith(".csv") || lower.EndsWith(".txt") => "csv",
            _ when lower.EndsWith(".xlsx") => "xlsx",
            _ when lower.EndsWith(".gpkg") => "gpkg",
            _ => null,
        };
    }

    /// <summary>The text of a side-car file (.cpg, .prj) beside <paramref name="path"/>, or null.</summary>
    internal static string? Sibling(string path, string extension)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var stem = Path.GetFileNameWithoutExtension(path);
        var match = Directory.EnumerateFiles(dir, stem + ".*")
            .FirstOrDefault(f => string.Equals(Path.GetExtension(f), extension, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : File.ReadAllText(match);
    }

    private static FeatureFile WithNotes(this FeatureFile file, IEnumerable<string> notes)
    {
        file.Notes.AddRange(notes);
        return file;
    }
}

/// <summary>
/// A bare DBF (no .shp), such as an e-Stat 小地域 attribute table: records without geometry. The CRS is the
/// .prj beside it when there is one (for X_CODE/Y_CODE), else JGD2011 lon/lat.
/// </summary>
public static class DbfFeatureReader
{
    public static FeatureFile Read(byte[] bytes, string fileName, ImportRequest request, ProblemList problems, CancellationToken ct,
        string? cpg = null, string? prj = null, IProgress<ImportProgress>? progress = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var reader = DbfReader.Open(stream, fileName);
        if (reader.RecordCount > request.Limits.MaxFeatures)
        {
            throw problems.Fatal(null, null, $"レコードが多すぎます（{reader.RecordCount:N0} 件、上限 {request.Limits.MaxFeatures:N0} 件）。");
        }
        var notes = new List<string>();
        var encoding = ChooseEncoding(reader, request.Encoding, cpg, problems, notes);
        var features = new List<SourceFeature>(reader.RecordCount);
        foreach (var (row, values) in reader.Records(encoding, problems))
        {
            ct.ThrowIfCancellationRequested();
            if (row % 10_000 == 0)
            {
                progress?.Report(new ImportProgress(0, 0, $"{fileName}: {row:N0} 件を読み込み中…"));
            }
            features.Add(new SourceFeature(row, null, values));
        }
        var crs = request.Crs ?? Formats.Crs.Jgd2011;
        if (request.Crs is null && prj is not null)
        {
            var (srid, reason) = Formats.Crs.FromPrj(prj);
            crs = srid ?? throw problems.Fatal(null, null, reason!);
            notes.Add($"座標参照系: {Formats.Crs.Describe(crs)}（.prj より）");
        }
        var file = new FeatureFile
        {
            FileName = fileName,
            Crs = crs,
            Features = features,
            FieldNames = reader.Fields(encoding, problems).Select(f => f.Name).ToList(),
            EncodingName = TextEncodings.DisplayName(encoding),
        };
        file.Notes.AddRange(notes);
        return file;
    }

    /// <summary>
    /// The encoding to decode a DBF with: the one asked for, else the .cpg's, else detected (strict UTF-8 if
    /// every text byte is valid UTF-8, otherwise cp932). An unknown name is a problem, not a guess.
    /// </summary>
    internal static System.Text.Encoding ChooseEncoding(DbfReader reader, string? requested, string? cpg, ProblemList problems, List<string> notes)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var e = TextEncodings.FromName(requested) ?? throw problems.Fatal(null, null, $"文字コード「{requested}」に対応していません（utf-8 か cp932/shift_jis）。");
            notes.Add($"文字コード: {TextEncodings.DisplayName(e)}（指定）");
            return e;
        }
        if (!string.IsNullOrWhiteSpace(cpg))
        {
            var e = TextEncodings.FromName(cpg) ?? throw problems.Fatal(null, null, $".cpg の文字コード「{cpg.Trim()}」に対応していません。--encoding で指定してください。");
            notes.Add($"文字コード: {TextEncodings.DisplayName(e)}（.cpg より）");
            return e;
        }
        var detected = reader.LanguageDriver == 0x13 ? TextEncodings.Cp932 : reader.DetectEncoding();
        notes.Add($"文字コード: {TextEncodings.DisplayName(detected)}（{(reader.LanguageDriver == 0x13 ? "DBF の言語ドライバ ID より" : "内容から判定")}）");
        return detected;
    }
}
