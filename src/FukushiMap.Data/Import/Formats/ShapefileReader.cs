using System.Buffers.Binary;
using System.IO.Compression;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Import.Formats;

/// <summary>
/// Reads an ESRI Shapefile — a .zip holding one .shp with its .dbf/.prj/.cpg, or a .shp beside them.
/// The .shp is read record by record; each record's point count is checked against the vertex cap before
/// its coordinates are allocated. Attributes come from <see cref="DbfReader"/> with the .cpg's encoding
/// (an invalid byte for it is a problem naming file, record and field), else --encoding, else detection.
/// The CRS comes from --crs, else the .prj (see <see cref="Crs.FromPrj"/>); a file without either is refused.
/// </summary>
public static class ShapefileReader
{
    /// <summary>Reads a zipped shapefile from its bytes.</summary>
    public static FeatureFile ReadZip(byte[] zipBytes, string zipName, ImportRequest request, ProblemList problems, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(zipBytes, writable: false), ZipArchiveMode.Read, leaveOpen: false, TextEncodings.Cp932Lenient);
        }
        catch (InvalidDataException)
        {
            throw problems.Fatal(null, null, "ZIP ファイルが壊れているか、途中で切れています（ダウンロードが完了しているか確認してください）。");
        }
        using (archive)
        {
            var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/') && !e.FullName.StartsWith("__MACOSX", StringComparison.Ordinal)).ToList();
            CheckEntryNames(archive.Entries, problems);
            var total = entries.Sum(e => e.Length);
            if (total > request.Limits.MaxFileBytes)
            {
                throw problems.Fatal(null, null, $"ZIP の中身が大きすぎます（展開後 {total:N0} バイト、上限 {request.Limits.MaxFileBytes:N0} バイト）。");
            }
            var shps = entries.Where(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)).ToList();
            if (shps.Count == 0)
            {
                throw problems.Fatal(null, null, $"ZIP に .shp がありません（中身: {string.Join(", ", entries.Select(e => e.FullName).Take(20))}）。");
            }
            if (shps.Count > 1)
            {
                throw problems.Fatal(null, null, $"ZIP に .shp が複数あります（{string.Join(", ", shps.Select(e => e.FullName))}）。1 つずつ取り込んでください。");
            }
            var stem = shps[0].FullName[..^4];
            byte[]? Entry(string ext)
            {
                var e = entries.FirstOrDefault(x => string.Equals(x.FullName, stem + ext, StringComparison.OrdinalIgnoreCase));
                return e is null ? null : ReadEntry(e, request.Limits.MaxFileBytes, problems, zipName);
            }
            var shp = Entry(".shp")!;
            var dbf = Entry(".dbf");
            var prj = Entry(".prj");
            var cpg = Entry(".cpg");
            var displayName = $"{zipName}!{Path.GetFileName(stem)}";
            if (dbf is null)
            {
                throw problems.Fatal(null, null, MissingDbf(Path.GetFileName(stem), "ZIP に入れて"));
            }
            return Read(shp, dbf, prj is null ? null : System.Text.Encoding.UTF8.GetString(prj), cpg is null ? null : System.Text.Encoding.ASCII.GetString(cpg),
                displayName, request, problems, progress, ct);
        }
    }

    /// <summary>Reads a .shp with its side-car files next to it.</summary>
    public static FeatureFile ReadFiles(string shpPath, ImportRequest request, ProblemList problems, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var shp = File.ReadAllBytes(shpPath);
        var dbfPath = Path.ChangeExtension(shpPath, ".dbf");
        var dbf = Directory.EnumerateFiles(Path.GetDirectoryName(Path.GetFullPath(shpPath))!, Path.GetFileNameWithoutExtension(shpPath) + ".*")
            .FirstOrDefault(f => string.Equals(Path.GetExtension(f), ".dbf", StringComparison.OrdinalIgnoreCase));
        if (dbf is null)
        {
            throw problems.Fatal(null, null, MissingDbf(Path.GetFileNameWithoutExtension(shpPath), "同じフォルダに置いて"));
        }
        return Read(shp, File.ReadAllBytes(dbf), FeatureFileReader.Sibling(shpPath, ".prj"), FeatureFileReader.Sibling(shpPath, ".cpg"),
            Path.GetFileName(shpPath), request, problems, progress, ct);
    }

    private static string MissingDbf(string stem, string where) =>
        $"{stem}.dbf がありません。シェープファイルは .shp（図形）と .dbf（属性）の組で一つです。{stem}.dbf も{where}ください。";

    /// <summary>
    /// Refuses entries whose names climb out of the folder (<c>../</c>) or are absolute ("zip slip"): nothing is extracted to
    /// disk here, but such a name marks a crafted or broken archive, and another tool unpacking it would write outside.
    /// </summary>
    private static void CheckEntryNames(IEnumerable<ZipArchiveEntry> entries, ProblemList problems)
    {
        foreach (var e in entries)
        {
            var name = e.FullName.Replace('\\', '/');
            if (name.StartsWith('/') || (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':'))
            {
                throw problems.Fatal(null, null,
                    $"ZIP の中に絶対パスのファイル名があります（{e.FullName}）。展開するとフォルダの外に書き込まれる危険な ZIP（zip slip）のため、取り込みません。");
            }
            if (name.Split('/').Contains(".."))
            {
                throw problems.Fatal(null, null,
                    $"ZIP の中に「..」でフォルダの外を指すファイル名があります（{e.FullName}）。展開するとフォルダの外に書き込まれる危険な ZIP（zip slip）のため、取り込みません。");
            }
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long maxBytes, ProblemList problems, string zipName)
    {
        try
        {
            using var s = entry.Open();
            using var ms = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = s.Read(buffer)) > 0)
            {
                ms.Write(buffer, 0, n);
                if (ms.Length > maxBytes)
                {
                    throw problems.Fatal(null, null, $"{entry.FullName} を展開すると大きすぎます（上限 {maxBytes:N0} バイト）。");
                }
            }
            return ms.ToArray();
        }
        catch (InvalidDataException)
        {
            throw problems.Fatal(null, null, $"ZIP の {entry.FullName} が壊れているか、途中で切れています。");
        }
    }

    /// <summary>Reads .shp bytes with their optional .dbf/.prj/.cpg.</summary>
    public static FeatureFile Read(byte[] shp, byte[]? dbf, string? prj, string? cpg, string fileName, ImportRequest request, ProblemList problems,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var notes = new List<string>();
        int crs;
        if (request.Crs is { } given)
        {
            crs = given;
            notes.Add($"座標参照系: {Crs.Describe(crs)}（--crs で指定）");
        }
        else if (prj is not null)
        {
            var (srid, reason) = Crs.FromPrj(prj);
            crs = srid ?? throw problems.Fatal(null, null, $"{reason} --crs EPSG:番号 で指定できます。");
            notes.Add($"座標参照系: {Crs.Describe(crs)}（.prj より）");
        }
        else
        {
            throw problems.Fatal(null, null, ".prj がないため座標参照系が分かりません。--crs EPSG:6668 のように指定してください。");
        }

        var failedRows = new HashSet<int>();
        var geometries = ReadShp(shp, fileName, Crs.FactoryFor(crs), request.Limits, problems, progress, ct, failedRows);

        List<(int Row, Dictionary<string, string?> Values)> records = [];
        IReadOnlyList<string> fieldNames = [];
        string? encodingName = null;
        if (dbf is not null)
        {
            var dbfProblems = problems;
            using var stream = new MemoryStream(dbf, writable: false);
            var dbfName = fileName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase) ? Path.ChangeExtension(fileName, ".dbf") : fileName + ".dbf";
            var reader = DbfReader.Open(stream, dbfName);
            var encoding = DbfFeatureReader.ChooseEncoding(reader, request.Encoding, cpg, problems, notes);
            encodingName = TextEncodings.DisplayName(encoding);
            fieldNames = reader.Fields(encoding, dbfProblems).Select(f => f.Name).ToList();
            // Records keep their position so that deleted DBF rows stay aligned with the .shp.
            var dbfProblemList = new ProblemList(dbfName, request.Limits.MaxProblems);
            records = reader.Records(encoding, dbfProblemList).ToList();
            foreach (var p in dbfProblemList.Items)
            {
                problems.Add(p);
            }
            if (reader.RecordCount != geometries.Count)
            {
                problems.Add(null, null, $".shp の図形数（{geometries.Count}）と .dbf のレコード数（{reader.RecordCount}）が一致しません。");
            }
        }
        else
        {
            notes.Add(".dbf がないため属性はありません。");
        }

        var byRow = records.ToDictionary(r => r.Row, r => r.Values);
        var features = new List<SourceFeature>(geometries.Count);
        for (var i = 0; i < geometries.Count; i++)
        {
            var row = i + 1;
            if (dbf is not null && !byRow.ContainsKey(row))
            {
                continue; // deleted in the .dbf
            }
            if (failedRows.Contains(row))
            {
                continue; // its problem is reported already
            }
            features.Add(new SourceFeature(row, geometries[i], byRow.GetValueOrDefault(row) ?? new Dictionary<string, string?>()));
        }
        var file = new FeatureFile { FileName = fileName, Crs = crs, Features = features, FieldNames = fieldNames, EncodingName = encodingName };
        file.Notes.AddRange(notes);
        return file;
    }

    /// <summary>The geometries of a .shp, one per record (null for null shapes or records with a problem).</summary>
    internal static List<Geometry?> ReadShp(byte[] shp, string fileName, GeometryFactory factory, ImportLimits limits, ProblemList problems,
        IProgress<ImportProgress>? progress, CancellationToken ct, ISet<int>? failedRows = null)
    {
        if (shp.Length < 100 || BinaryPrimitives.ReadInt32BigEndian(shp) != 9994)
        {
            throw problems.Fatal(null, null, shp.Length < 100
                ? $".shp のヘッダーが途中で切れています（{shp.Length} バイト。ヘッダーだけで 100 バイトあるはずです）。"
                : $"{fileName} はシェープファイルの .shp ではありません（先頭のファイルコードが 9994 ではなく {BinaryPrimitives.ReadInt32BigEndian(shp)} です）。ファイルが壊れているか、別の形式のファイルに .shp の名前が付いています。");
        }
        var declaredLength = (long)BinaryPrimitives.ReadInt32BigEndian(shp.AsSpan(24)) * 2;
        if (declaredLength > shp.Length)
        {
            problems.Add(null, null, $".shp が途中で切れています（ヘッダーでは {declaredLength:N0} バイト、実際は {shp.Length:N0} バイト）。");
        }
        var result = new List<Geometry?>();
        var pos = 100;
        var row = 0;
        while (pos + 8 <= shp.Length)
        {
            ct.ThrowIfCancellationRequested();
            row++;
            if (row > limits.MaxFeatures)
            {
                throw problems.Fatal(row, null, $"図形が多すぎます（上限 {limits.MaxFeatures:N0} 件）。");
            }
            if (row % 10_000 == 0)
            {
                progress?.Report(new ImportProgress(0, 0, $"{fileName}: {row:N0} 件を読み込み中…"));
            }
            var contentBytes = (long)BinaryPrimitives.ReadInt32BigEndian(shp.AsSpan(pos + 4)) * 2;
            var start = pos + 8;
            if (contentBytes < 4 || start + contentBytes > shp.Length)
            {
                problems.Add(row, "geometry", ".shp のレコードが途中で切れています。");
                break;
            }
            var content = shp.AsSpan(start, (int)contentBytes);
            var before = problems.Items.Count;
            result.Add(ReadShape(content, factory, limits.MaxVerticesPerGeometry, problems, row));
            if (problems.Items.Count > before)
            {
                failedRows?.Add(row);
            }
            pos = start + (int)contentBytes;
        }
        if (pos != shp.Length && pos + 8 > shp.Length && pos < shp.Length)
        {
            problems.Add(row + 1, "geometry", ".shp の末尾が途中で切れています。");
        }
        return result;
    }

    private static Geometry? ReadShape(ReadOnlySpan<byte> c, GeometryFactory factory, int maxVertices, ProblemList problems, int row)
    {
        var type = BinaryPrimitives.ReadInt32LittleEndian(c);
        switch (type)
        {
            case 0:
                return null;
            case 1 or 11 or 21:
                if (c.Length < 20)
                {
                    return Bad(".shp の点レコードが短すぎます。");
                }
                return factory.CreatePoint(new Coordinate(BinaryPrimitives.ReadDoubleLittleEndian(c[4..]), BinaryPrimitives.ReadDoubleLittleEndian(c[12..])));
            case 8 or 18 or 28:
            {
                if (c.Length < 40)
                {
                    return Bad(".shp のマルチポイントレコードが短すぎます。");
                }
                var n = BinaryPrimitives.ReadInt32LittleEndian(c[36..]);
                if (n < 0 || n > maxVertices)
                {
                    return Bad($"頂点が多すぎます（{n:N0} 個、上限 {maxVertices:N0} 個）。");
                }
                if (40L + 16L * n > c.Length)
                {
                    return Bad(".shp のレコードが点の数に対して短すぎます。");
                }
                var coords = new Coordinate[n];
                for (var i = 0; i < n; i++)
                {
                    coords[i] = new Coordinate(BinaryPrimitives.ReadDoubleLittleEndian(c[(40 + 16 * i)..]), BinaryPrimitives.ReadDoubleLittleEndian(c[(48 + 16 * i)..]));
                }
                return factory.CreateMultiPointFromCoords(coords);
            }
            case 3 or 13 or 23 or 5 or 15 or 25:
            {
                if (c.Length < 44)
                {
                    return Bad(".shp のレコードが短すぎます。");
                }
                var numParts = BinaryPrimitives.ReadInt32LittleEndian(c[36..]);
                var numPoints = BinaryPrimitives.ReadInt32LittleEndian(c[40..]);
                if (numPoints > maxVertices)
                {
                    return Bad($"頂点が多すぎます（{numPoints:N0} 個、上限 {maxVertices:N0} 個）。");
                }
                if (numParts < 1 || numPoints < 0 || numParts > numPoints || 44L + 4L * numParts + 16L * numPoints > c.Length)
                {
                    return Bad(".shp のレコードの部分数・点数が不正です（壊れているか途中で切れています）。");
                }
                var partStarts = new int[numParts + 1];
                for (var i = 0; i < numParts; i++)
                {
                    partStarts[i] = BinaryPrimitives.ReadInt32LittleEndian(c[(44 + 4 * i)..]);
                }
                partStarts[numParts] = numPoints;
                var pointsAt = 44 + 4 * numParts;
                var parts = new List<Coordinate[]>(numParts);
                for (var p = 0; p < numParts; p++)
                {
                    var from = partStarts[p];
                    var to = partStarts[p + 1];
                    if (from < 0 || to < from || to > numPoints)
                    {
                        return Bad(".shp の部分の開始位置が不正です。");
                    }
                    var coords = new Coordinate[to - from];
                    for (var i = from; i < to; i++)
                    {
                        coords[i - from] = new Coordinate(BinaryPrimitives.ReadDoubleLittleEndian(c[(pointsAt + 16 * i)..]),
                            BinaryPrimitives.ReadDoubleLittleEndian(c[(pointsAt + 16 * i + 8)..]));
                    }
                    parts.Add(coords);
                }
                try
                {
                    return type is 3 or 13 or 23
                        ? (parts.Count == 1 ? factory.CreateLineString(parts[0]) : factory.CreateMultiLineString(parts.Select(factory.CreateLineString).ToArray()))
                        : AssemblePolygons(parts, factory);
                }
                catch (ArgumentException e)
                {
                    return Bad($"図形を組み立てられません: {GeoJsonReader.JapaneseReason(e.Message)}");
                }
            }
            default:
                return Bad($".shp の図形の種類 {type} には対応していません。");
        }

        Geometry? Bad(string reason)
        {
            problems.Add(row, "geometry", reason);
            return null;
        }
    }

    /// <summary>
    /// Shapefile polygons are a flat list of rings: outer rings clockwise, holes counter-clockwise. Each hole
    /// goes to the smallest shell that contains it; a hole no shell contains becomes a shell (as GDAL does).
    /// </summary>
    private static Geometry AssemblePolygons(List<Coordinate[]> rings, GeometryFactory factory)
    {
        var shells = new List<(LinearRing Ring, Polygon Area, List<LinearRing> Holes)>();
        var holes = new List<LinearRing>();
        foreach (var coords in rings)
        {
            var ring = factory.CreateLinearRing(coords);
            if (coords.Length >= 4 && Orientation.IsCCW(coords))
            {
                holes.Add(ring);
            }
            else
            {
                shells.Add((ring, factory.CreatePolygon(ring), []));
            }
        }
        foreach (var hole in holes)
        {
            var probe = hole.GetCoordinateN(0);
            var owner = shells.Where(s => s.Area.EnvelopeInternal.Covers(hole.EnvelopeInternal) && PointLocation.IsInRing(probe, s.Ring.Coordinates))
                .OrderBy(s => s.Area.Area).FirstOrDefault();
            if (owner.Ring is null)
            {
                shells.Add((hole, factory.CreatePolygon(hole), []));
            }
            else
            {
                owner.Holes.Add(hole);
            }
        }
        var polygons = shells.Select(s => factory.CreatePolygon(s.Ring, s.Holes.ToArray())).ToArray();
        return polygons.Length == 1 ? polygons[0] : factory.CreateMultiPolygon(polygons);
    }
}
