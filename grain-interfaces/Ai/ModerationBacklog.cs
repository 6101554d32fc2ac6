namespace Chaos.Ai;

/// <summary>
/// <c>GET /communities/{id}/moderation/status</c> (docs/api.md#ai-assistance): the community's mode, the messages waiting
/// for the model, and since the queue's activation how many were classified, flagged, and skipped because the bounded
/// backlog was full (the oldest go first) or the model kept failing.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.ModerationBacklog")]
public sealed record ModerationBacklog(
    [property: Id(0)] ModerationMode Mode,
    [property: Id(1)] int Pending,
    [property: Id(2)] int Classified,
    [property: Id(3)] int Flagged,
    [property: Id(4)] int Skipped);
