using System.Collections.Concurrent;
using FukushiMap.Data.Import;

namespace FukushiMap.Server.Setup;

/// <summary>The column mapping and target a planner chose for an upload (what the page's selects send).</summary>
public sealed record UploadMapping
{
    /// <summary>hubs, districts, population or shelters.</summary>
    public string? Kind { get; init; }

    /// <summary>Five-digit municipality code.</summary>
    public string? Municipality { get; init; }

    /// <summary>Hub type key (hubs).</summary>
    public string? HubType { get; init; }

    /// <summary>District layer key, kind (小学校区 …) and display name (districts).</summary>
    public string? LayerKey { get; init; }
    public string? LayerKind { get; init; }
    public string? LayerName { get; init; }

    /// <summary>Shelter kind when the file does not say (shelters).</summary>
    public string? ShelterKind { get; init; }

    public string? NameField { get; init; }
    public string? LonField { get; init; }
    public string? LatField { get; init; }
    public string? AddressField { get; init; }
    public string? CodeField { get; init; }

    /// <summary>utf-8 or shift_jis for CSV/DBF; null = detected.</summary>
    public string? Encoding { get; init; }
}

/// <summary>An uploaded file waiting for its mapping and commit: held in memory for <see cref="UploadStaging.Lifetime"/>.</summary>
public sealed class StagedUpload
{
    public required Guid Id { get; init; }
    public required string UserId { get; init; }
    public required string FileName { get; init; }
    public required byte[] Content { get; init; }
    public required UploadMapping Mapping { get; set; }
    public DateTimeOffset TouchedAt { get; set; }

    /// <summary>Where a running commit has got to (polled by the page); null when none has started.</summary>
    public ImportProgress? Progress { get; set; }

    /// <summary>Set while a commit runs: a second commit of the same upload waits its turn rather than importing twice.</summary>
    public SemaphoreSlim CommitLock { get; } = new(1, 1);
}

/// <summary>
/// Uploaded files between preview and commit, kept server-side (never in the browser) for a while, each visible to the
/// user who uploaded it only. Bounded: an upload older than <see cref="Lifetime"/> goes, and one user holds at most
/// <see cref="MaxPerUser"/> (the oldest goes first).
/// </summary>
public sealed class UploadStaging(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(60);
    public const int MaxPerUser = 5;

    private readonly ConcurrentDictionary<Guid, StagedUpload> _uploads = new();

    public StagedUpload Add(string userId, string fileName, byte[] content, UploadMapping mapping)
    {
        Sweep();
        foreach (var old in _uploads.Values.Where(u => u.UserId == userId).OrderByDescending(u => u.TouchedAt).Skip(MaxPerUser - 1))
        {
            _uploads.TryRemove(old.Id, out _);
        }
        var upload = new StagedUpload
        {
            Id = Guid.NewGuid(), UserId = userId, FileName = fileName, Content = content, Mapping = mapping, TouchedAt = clock.GetUtcNow(),
        };
        _uploads[upload.Id] = upload;
        return upload;
    }

    /// <summary>The caller's own upload, or null (unknown, expired, or someone else's).</summary>
    public StagedUpload? Get(Guid id, string userId)
    {
        Sweep();
        if (!_uploads.TryGetValue(id, out var upload) || upload.UserId != userId)
        {
            return null;
        }
        upload.TouchedAt = clock.GetUtcNow();
        return upload;
    }

    public void Remove(Guid id) => _uploads.TryRemove(id, out _);

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, upload) in _uploads)
        {
            if (now - upload.TouchedAt > Lifetime && upload.CommitLock.CurrentCount > 0)
            {
                _uploads.TryRemove(id, out _);
            }
        }
    }
}
