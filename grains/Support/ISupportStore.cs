namespace Chaos.Support;

/// <summary>
/// Support conversations as rows (docs/architecture.md#support-desk): the desk grain writes every routing change here
/// before it answers, and rebuilds its queue from here on activation. <see cref="SupportConversation.QueuePosition"/> is
/// never stored; the desk grain computes it.
/// </summary>
public interface ISupportStore
{
    /// <summary>False when a conversation with this id exists already (a retried start).</summary>
    Task<bool> InsertAsync(SupportConversation conversation, CancellationToken ct);

    Task<SupportConversation?> GetAsync(long id, CancellationToken ct);

    /// <summary>The community's queued and assigned conversations, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SupportConversation>> GetOpenAsync(long communityId, int limit, CancellationToken ct);

    /// <summary>Gives an open conversation to an agent (keeping the first assignment time); false when closed or missing.</summary>
    Task<bool> AssignAsync(long id, long agentId, DateTimeOffset at, CancellationToken ct);

    /// <summary>False when already closed or missing.</summary>
    Task<bool> CloseAsync(long id, DateTimeOffset at, CancellationToken ct);

    /// <summary>Rates a closed, unrated conversation; false otherwise.</summary>
    Task<bool> RateAsync(long id, SupportRating rating, CancellationToken ct);

    /// <summary>A page oldest to newest: the <paramref name="limit"/> conversations just older than <paramref name="before"/>, or the newest.</summary>
    Task<IReadOnlyList<SupportConversation>> ListAsync(long communityId, SupportStatus? status, long? before, int limit, CancellationToken ct);

    /// <summary>Median wait and handle time in seconds and the average rating of conversations created since <paramref name="since"/>.</summary>
    Task<(double? MedianWaitSeconds, double? MedianHandleSeconds, double? RatingAverage)> GetFiguresAsync(long communityId, DateTimeOffset since, CancellationToken ct);
}
