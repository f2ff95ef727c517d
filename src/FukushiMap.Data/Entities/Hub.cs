using NetTopologySuite.Geometries;

namespace FukushiMap.Data.Entities;

/// <summary>A drop-in hub where anyone can be heard and connected.</summary>
public class Hub
{
    public int Id { get; set; }

    public required string MunicipalityCode { get; set; }
    public Municipality? Municipality { get; set; }

    public int HubTypeId { get; set; }
    public HubType? HubType { get; set; }

    public required string Name { get; set; }
    public string? Address { get; set; }

    /// <summary>Location, JGD2011 lon/lat (SRID 6668).</summary>
    public required Point Location { get; set; }

    /// <summary>運営主体 (e.g. 社会福祉協議会, NPO法人…).</summary>
    public string? Operator { get; set; }

    /// <summary>Functions offered: 相談, 居場所, 交流, 子ども食堂, 学習支援, 介護予防, ボランティア …</summary>
    public List<string> Functions { get; set; } = [];

    /// <summary>Who it is for: 誰でも, 高齢者, 子ども, 子育て, 障害のある人 …</summary>
    public List<string> TargetGroups { get; set; } = [];

    /// <summary>Structured opening hours, so "open now" can be computed.</summary>
    public List<OpeningPeriod> OpeningHours { get; set; } = [];

    /// <summary>Free-text note on opening (e.g. 祝日・年末年始は休み).</summary>
    public string? OpeningNote { get; set; }

    public string? AccessibilityNotes { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? Website { get; set; }

    /// <summary>The feature's id in its source dataset (e.g. GSI 共通ID).</summary>
    public string? SourceRef { get; set; }

    public int? DatasetId { get; set; }
    public Dataset? Dataset { get; set; }

    /// <summary>When set, the hub is closed and leaves the public layers and analyses.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One weekly opening period: on <see cref="Days"/> from <see cref="Opens"/> to <see cref="Closes"/> (local time, Asia/Tokyo).
/// Days use ISO numbering, 1 = 月曜 … 7 = 日曜.
/// </summary>
public class OpeningPeriod
{
    public List<int> Days { get; set; } = [];
    public TimeOnly Opens { get; set; }
    public TimeOnly Closes { get; set; }

    /// <summary>True when <paramref name="localTime"/> (Asia/Tokyo) falls inside this period.</summary>
    public bool IsOpenAt(DateTime localTime)
    {
        var isoDay = localTime.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)localTime.DayOfWeek;
        var time = TimeOnly.FromDateTime(localTime);
        return Days.Contains(isoDay) && time >= Opens && time < Closes;
    }
}
