using Orleans.Concurrency;

namespace Chaos.Ai;

/// <summary>
/// One community's AI moderation (docs/architecture.md#ai-assistance), keyed by the community id: a bounded in-memory
/// backlog of messages waiting for the model, classified one at a time off the send path, and the moderators' queue of
/// flagged messages (rows in the moderation store).
/// </summary>
public interface IModerationGrain : IGrainWithIntegerKey
{
    /// <summary>Fire and forget: the channel never waits for the queue, let alone the model.</summary>
    [OneWay]
    Task SubmitAsync(IReadOnlyList<ModerationCandidate> candidates);

    /// <summary>The queue, newest first (ManageMessages).</summary>
    Task<IReadOnlyList<ModerationItem>> GetQueueAsync(long actorId, ModerationStatus? status, long? before, int limit);

    /// <summary>A moderator's decision on an open item: dismissed (a hidden message shows again) or removed (deleted).</summary>
    Task<ModerationDecision> DecideAsync(long actorId, long itemId, ModerationStatus status);

    /// <summary>The backlog's figures (ManageMessages).</summary>
    [AlwaysInterleave]
    Task<ModerationBacklog> GetBacklogAsync(long actorId);
}
