using System.Collections.Concurrent;

namespace Chaos.Support;

/// <summary>Standalone mode without PostgreSQL only: the same behaviour as <see cref="PostgresSupportStore"/>, in memory.</summary>
public sealed class InMemorySupportStore : ISupportStore
{
    private readonly ConcurrentDictionary<long, SupportConversation> rows = new();
    private readonly Lock sync = new();

    public Task<bool> InsertAsync(SupportConversation conversation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return Task.FromResult(rows.TryAdd(conversation.Id, conversation with { QueuePosition = null }));
    }

    public Task<SupportConversation?> GetAsync(long id, CancellationToken ct) => Task.FromResult(rows.GetValueOrDefault(id));

    public Task<IReadOnlyList<SupportConversation>> GetOpenAsync(long communityId, int limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SupportConversation>>(
            [.. rows.Values.Where(c => c.CommunityId == communityId && c.Status != SupportStatus.Closed).OrderBy(c => c.Id).Take(limit)]);

    public Task<bool> AssignAsync(long id, long agentId, DateTimeOffset at, CancellationToken ct) =>
        Task.FromResult(Update(id, c => c.Status == SupportStatus.Closed ? null : c with { Status = SupportStatus.Assigned, AgentId = agentId, AssignedAt = c.AssignedAt ?? at }));

    public Task<bool> CloseAsync(long id, DateTimeOffset at, CancellationToken ct) =>
        Task.FromResult(Update(id, c => c.Status == SupportStatus.Closed ? null : c with { Status = SupportStatus.Closed, ClosedAt = at }));

    public Task<bool> RateAsync(long id, SupportRating rating, CancellationToken ct) =>
        Task.FromResult(Update(id, c => c.Status != SupportStatus.Closed || c.Rating is not null ? null : c with { Rating = rating }));

    public Task<IReadOnlyList<SupportConversation>> ListAsync(long communityId, SupportStatus? status, long? before, int limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SupportConversation>>(
            [.. rows.Values
                .Where(c => c.CommunityId == communityId && (status is null || c.Status == status) && c.Id < (before ?? long.MaxValue))
                .OrderByDescending(c => c.Id)
                .Take(limit)
                .OrderBy(c => c.Id)]);

    public Task<(double? MedianWaitSeconds, double? MedianHandleSeconds, double? RatingAverage)> GetFiguresAsync(long communityId, DateTimeOffset since, CancellationToken ct)
    {
        var recent = rows.Values.Where(c => c.CommunityId == communityId && c.CreatedAt >= since).ToList();
        var waits = recent.Where(c => c.AssignedAt is not null).Select(c => (c.AssignedAt!.Value - c.CreatedAt).TotalSeconds).ToList();
        var handles = recent.Where(c => c.AssignedAt is not null && c.ClosedAt is not null).Select(c => (c.ClosedAt!.Value - c.AssignedAt!.Value).TotalSeconds).ToList();
        var ratings = recent.Where(c => c.Rating is not null).Select(c => (double)c.Rating!.Score).ToList();
        return Task.FromResult((Median(waits), Median(handles), ratings.Count > 0 ? ratings.Average() : (double?)null));
    }

    /// <summary>The interpolated median, as PostgreSQL's <c>percentile_cont(0.5)</c> computes it.</summary>
    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private bool Update(long id, Func<SupportConversation, SupportConversation?> change)
    {
        lock (sync)
        {
            if (rows.TryGetValue(id, out var current) && change(current) is { } next)
            {
                rows[id] = next;
                return true;
            }

            return false;
        }
    }
}
