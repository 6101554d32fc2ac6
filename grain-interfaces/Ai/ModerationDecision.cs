namespace Chaos.Ai;

/// <summary>A decided queue item, and the attachments of a removed message whose bytes the front door deletes.</summary>
[GenerateSerializer, Immutable, Alias("chaos.ModerationDecision")]
public sealed record ModerationDecision(
    [property: Id(0)] ModerationItem Item,
    [property: Id(1)] IReadOnlyList<long> RemovedAttachments);
