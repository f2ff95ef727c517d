namespace FukushiMap.Data.Import;

/// <summary>
/// One thing wrong with an input file, located as precisely as the format allows.
/// </summary>
/// <param name="File">File name (or zip entry) the problem is in.</param>
/// <param name="Row">1-based feature/record/line number, null when the problem concerns the whole file.</param>
/// <param name="Field">Attribute or column name, null when the problem is not about one field.</param>
/// <param name="Reason">What is wrong, in Japanese.</param>
public sealed record ImportProblem(string File, int? Row, string? Field, string Reason)
{
    /// <summary>「file 12行目 [name]: reason」 — the form the CLI prints.</summary>
    public override string ToString()
    {
        var where = File;
        if (Row is { } row)
        {
            where += $" {row}件目";
        }
        if (!string.IsNullOrEmpty(Field))
        {
            where += $" 項目「{Field}」";
        }
        return $"{where}: {Reason}";
    }
}

/// <summary>
/// An import refused: nothing was written. <see cref="Problems"/> lists every problem found
/// (up to <see cref="ImportLimits.MaxProblems"/>).
/// </summary>
public sealed class ImportException(IReadOnlyList<ImportProblem> problems)
    : Exception(Summarise(problems))
{
    /// <summary>Each problem as (file, row, field, reason).</summary>
    public IReadOnlyList<ImportProblem> Problems { get; } = problems;

    /// <summary>A refusal with one problem.</summary>
    public ImportException(string file, int? row, string? field, string reason)
        : this([new ImportProblem(file, row, field, reason)])
    {
    }

    private static string Summarise(IReadOnlyList<ImportProblem> problems) => problems.Count switch
    {
        0 => "取り込みに失敗しました。",
        1 => $"取り込みに失敗しました: {problems[0]}",
        _ => $"取り込みに失敗しました（問題 {problems.Count} 件）。最初の問題: {problems[0]}",
    };
}

/// <summary>
/// Collects problems while a file is read, so that a user sees all of them at once, not one per attempt.
/// Stops collecting (and throws) once <see cref="ImportLimits.MaxProblems"/> is reached.
/// </summary>
public sealed class ProblemList(string file, int maxProblems = ImportLimits.DefaultMaxProblems)
{
    private readonly List<ImportProblem> _problems = [];

    /// <summary>The file name problems are reported against.</summary>
    public string File { get; } = file;

    public IReadOnlyList<ImportProblem> Items => _problems;

    public bool Any => _problems.Count > 0;

    /// <summary>Records a problem; throws when the list is full, since nobody reads the 1001st.</summary>
    public void Add(int? row, string? field, string reason) => Add(new ImportProblem(File, row, field, reason));

    public void Add(ImportProblem problem)
    {
        _problems.Add(problem);
        if (_problems.Count >= maxProblems)
        {
            _problems.Add(new ImportProblem(File, null, null, $"問題が {maxProblems} 件を超えたため、確認を打ち切りました。"));
            throw new ImportException(_problems);
        }
    }

    /// <summary>Adds a problem and stops at once (for problems that make reading on pointless).</summary>
    public ImportException Fatal(int? row, string? field, string reason)
    {
        _problems.Add(new ImportProblem(File, row, field, reason));
        return new ImportException(_problems.ToList());
    }

    /// <summary>Throws if any problem was recorded.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw new ImportException(_problems.ToList());
        }
    }
}

/// <summary>
/// Caps on what one import may read. Checked while streaming, before large objects are built.
/// </summary>
public sealed record ImportLimits
{
    public const int DefaultMaxProblems = 1000;

    /// <summary>Largest input file (or total of a zip's entries, uncompressed), in bytes. Default 100 MB.</summary>
    public long MaxFileBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Most features/records per file. Default 200,000.</summary>
    public int MaxFeatures { get; init; } = 200_000;

    /// <summary>Most vertices in one geometry. Default 1,000,000.</summary>
    public int MaxVerticesPerGeometry { get; init; } = 1_000_000;

    /// <summary>How far outside the municipality's boundary (metres, in the plane zone) a feature may lie. Default 5 km.</summary>
    public double MaxDistanceOutsideBoundaryMetres { get; init; } = 5_000;

    /// <summary>Problems collected before reading stops. Default 1,000.</summary>
    public int MaxProblems { get; init; } = DefaultMaxProblems;

    public static ImportLimits Default { get; } = new();
}
