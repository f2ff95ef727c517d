using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using FukushiMap.Data;
using FukushiMap.Data.Welfare;
using FukushiMap.Server.Auth;
using FukushiMap.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace FukushiMap.Server.WelfareMap;

/// <summary>Meeting mode (三者懇談会): the yearly review checklist, the change log and exports with a stated purpose.</summary>
public static class MeetingApi
{
    public static RouteGroupBuilder MapMeeting(this RouteGroupBuilder households)
    {
        households.MapGet("/reviews", GetReviewsAsync).WithName("GetReviews").WithSummary("年次確認のチェックリスト（年度・区域）");
        households.MapPost("/{id:int}/review", ReviewAsync).WithName("ReviewHousehold").WithSummary("年次確認: 確認済・変更あり・削除（転出・死亡）");
        households.MapGet("/changes", GetChangesAsync).WithName("GetHouseholdChanges").WithSummary("変更の記録（誰が・いつ・どの項目を）");
        households.MapPost("/exports", ExportAsync).WithName("ExportHouseholds").WithSummary("CSV 出力・地図の印刷（目的を記録。民生委員・管理者のみ）");
        return households;
    }

    /// <summary>The fiscal year (年度, April–March, Asia/Tokyo) of <paramref name="now"/>.</summary>
    public static int FiscalYear(DateTimeOffset now)
    {
        var jst = now.ToOffset(TimeSpan.FromHours(9));
        return jst.Month >= 4 ? jst.Year : jst.Year - 1;
    }

    public sealed record ReviewRow(int HouseholdId, string Label, string Status, string? Outcome, string? Note, string? ReviewedBy, DateTimeOffset? ReviewedAt);

    public sealed record ReviewChecklist(int DistrictId, int Year, int Total, int Done, List<ReviewRow> Items);

    internal static async Task<Results<Ok<ReviewChecklist>, ProblemHttpResult>> GetReviewsAsync(int? district, int? year, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock, CancellationToken ct)
    {
        if (district is not { } d || !caller.HasDistrict(d))
        {
            return Problems.NotFound("not-found", "その区域は見つかりません。");
        }
        var y = year ?? FiscalYear(clock.GetUtcNow());
        if (y is < 2000 or > 2100)
        {
            return Problems.Invalid("invalid-year", "year は西暦の年度です。");
        }
        var households = await HouseholdsApi.Visible(db, caller, includeInactive: true).AsNoTracking().Where(h => h.DistrictId == d)
            .OrderBy(h => h.Id).Select(h => new { h.Id, h.Label, h.Status }).ToListAsync(ct);
        var ids = households.Select(h => h.Id).ToList();
        var reviews = (await db.HouseholdReviews.AsNoTracking().Where(r => r.Year == y && ids.Contains(r.HouseholdId)).ToListAsync(ct))
            .GroupBy(r => r.HouseholdId).ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.ReviewedAt).First());
        var rows = households
            // Moved/deceased households stay on the list only when this year's review removed them.
            .Where(h => h.Status == HouseholdStatuses.Active || reviews.ContainsKey(h.Id))
            .Select(h =>
            {
                var r = reviews.GetValueOrDefault(h.Id);
                return new ReviewRow(h.Id, h.Label, h.Status, r?.Outcome, caller.SeesSensitive ? r?.Note : null, r?.ReviewedBy, r?.ReviewedAt);
            }).ToList();
        await audit.WriteAsync(caller, "list", "review", rows.Select(r => r.HouseholdId), d, "success", ct: ct);
        return TypedResults.Ok(new ReviewChecklist(d, y, rows.Count, rows.Count(r => r.Outcome is not null), rows));
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record ReviewInput(int? Year, string? Outcome, string? Note, string? Status);

    internal static async Task<Results<Ok<ReviewRow>, ProblemHttpResult>> ReviewAsync(int id, ReviewInput input, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, TimeProvider clock, CancellationToken ct)
    {
        var h = await HouseholdsApi.Visible(db, caller, includeInactive: true).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (h is null)
        {
            await audit.WriteAsync(caller, "review", "household", [id], null, "not-found", ct: ct);
            return Problems.NotFound("not-found", "その世帯は見つかりません。");
        }
        if (!caller.CanReview)
        {
            await audit.WriteAsync(caller, "review", "household", [id], h.DistrictId, "denied", ct: ct);
            return Problems.Forbidden("forbidden", "この役割では年次確認を記録できません。");
        }
        if (input.Outcome is null || !ReviewOutcomes.All.Contains(input.Outcome))
        {
            return Problems.Invalid("invalid-review", "outcome は confirmed（確認済）・changed（変更あり）・removed（削除）のどれかです。");
        }
        if (input.Note is { Length: > 500 })
        {
            return Problems.Invalid("invalid-review", "note（メモ）は 500 文字以内です。");
        }
        var now = clock.GetUtcNow();
        var year = input.Year ?? FiscalYear(now);
        if (year < 2000 || year > FiscalYear(now) + 1)
        {
            return Problems.Invalid("invalid-review", $"year（年度）は 2000〜{FiscalYear(now) + 1} の西暦で指定してください。");
        }
        if (input.Outcome == ReviewOutcomes.Removed)
        {
            if (input.Status is not (HouseholdStatuses.Moved or HouseholdStatuses.Deceased))
            {
                return Problems.Invalid("invalid-review", "削除（removed）には status（moved: 転出 または deceased: 死亡）を指定してください。");
            }
            h.Status = input.Status;
            h.StatusChangedAt = now;
            h.UpdatedAt = now;
            h.UpdatedBy = caller.DisplayName;
        }
        var review = new HouseholdReview
        {
            HouseholdId = id, DistrictId = h.DistrictId, Year = year, Outcome = input.Outcome, Note = input.Note?.Trim(),
            ReviewedBy = caller.DisplayName, ReviewedAt = now,
        };
        db.HouseholdReviews.Add(review);
        db.HouseholdChanges.Add(HouseholdsApi.Change(caller, h, "review", input.Outcome == ReviewOutcomes.Removed ? ["status"] : [], now));
        audit.Add(db, caller, "review", "household", [id], h.DistrictId, "success");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ReviewRow(id, h.Label, h.Status, review.Outcome, caller.SeesSensitive ? review.Note : null, review.ReviewedBy, review.ReviewedAt));
    }

    public sealed record ChangeRow(long Id, int HouseholdId, DateTimeOffset At, string UserName, string Action, List<string> Fields);

    internal static async Task<Results<Ok<List<ChangeRow>>, ProblemHttpResult>> GetChangesAsync(int? district, WelfareCaller caller,
        FukushiMapDbContext db, WelfareAudit audit, CancellationToken ct)
    {
        if (district is not { } d || !caller.HasDistrict(d))
        {
            return Problems.NotFound("not-found", "その区域は見つかりません。");
        }
        var visible = HouseholdsApi.Visible(db, caller, includeInactive: true).Select(h => h.Id);
        var query = db.HouseholdChanges.AsNoTracking().Where(c => c.DistrictId == d);
        if (!caller.SeesRegister)
        {
            query = query.Where(c => visible.Contains(c.HouseholdId));
        }
        var rows = await query.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Take(200)
            .Select(c => new ChangeRow(c.Id, c.HouseholdId, c.At, c.UserName, c.Action, c.Fields)).ToListAsync(ct);
        await audit.WriteAsync(caller, "list", "change-log", rows.Select(r => r.HouseholdId).Distinct(), d, "success", ct: ct);
        return TypedResults.Ok(rows);
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record ExportRequest(int? DistrictId, string? Purpose, string? Format);

    public sealed record PrintPermit(long ExportId, string Watermark, string Purpose, string UserName, DateTimeOffset At, int Households);

    internal static async Task<IResult> ExportAsync(ExportRequest request, WelfareCaller caller, FukushiMapDbContext db, WelfareAudit audit,
        TimeProvider clock, CancellationToken ct)
    {
        if (request.DistrictId is not { } d || !caller.HasDistrict(d))
        {
            await audit.WriteAsync(caller, "export", "household", [], request.DistrictId, "not-found", request.Purpose, ct);
            return Problems.NotFound("not-found", "その区域は見つかりません。");
        }
        if (!caller.CanExport)
        {
            await audit.WriteAsync(caller, "export", "household", [], d, "denied", request.Purpose, ct);
            return Problems.Forbidden("forbidden", "この役割では出力・印刷できません（民生委員・児童委員と管理者のみ）。");
        }
        var purpose = request.Purpose?.Trim() ?? "";
        if (purpose.Length is < 2 or > 200)
        {
            return Problems.Invalid("purpose-required", "出力の目的（2〜200文字、例: 令和8年度 三者懇談会の資料）を入力してください。");
        }
        if (request.Format is not ("csv" or "print"))
        {
            return Problems.Invalid("invalid-format", "format は csv か print です。");
        }
        var households = await HouseholdsApi.Visible(db, caller, includeInactive: false).AsNoTracking().Where(h => h.DistrictId == d)
            .Include(h => h.Watchers).OrderBy(h => h.Id).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var entry = audit.Entry(caller.UserId, caller.UserName, "export", "household", households.Select(h => h.Id), d, "success", $"{request.Format}: {purpose}");
        db.AuditLog.Add(entry);
        await db.SaveChangesAsync(ct);
        if (request.Format == "print")
        {
            var jst = now.ToOffset(TimeSpan.FromHours(9));
            var watermark = $"{caller.DisplayName} {jst:yyyy-MM-dd HH:mm} 出力番号 {entry.Id} 取扱注意（要配慮個人情報）";
            return TypedResults.Ok(new PrintPermit(entry.Id, watermark, purpose, caller.DisplayName, now, households.Count));
        }
        var csv = new StringBuilder();
        csv.AppendLine(Csv.Line(["# " + HouseholdShapes.FictitiousNotice + $" 出力: {caller.DisplayName} {now.ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm} 目的: {purpose} 出力番号 {entry.Id}"]));
        csv.AppendLine(Csv.Line(["id", "呼び名", "住所", "経度", "緯度", "区分", "障害", "要介護度", "メモ", "同意", "同意日", "同意の方法", "根拠", "状態", "見守り担当"]));
        foreach (var h in households)
        {
            csv.AppendLine(Csv.Line([
                h.Id, h.Label, h.Address ?? "", Math.Round(h.Location.X, 6), Math.Round(h.Location.Y, 6), string.Join("・", h.Categories), h.DisabilityDetail ?? "", h.CareLevel ?? "",
                h.Notes ?? "", h.ConsentState, h.ConsentDate?.ToString("O", CultureInfo.InvariantCulture) ?? "", h.ConsentMethod ?? "", h.LegalBasis ?? "",
                h.Status, string.Join(" ", h.Watchers.Select(w => w.WatcherId))]));
        }
        return TypedResults.File(Csv.WithBom(csv.ToString()), "text/csv; charset=utf-8", $"households-{d}-{entry.Id}.csv");
    }
}
