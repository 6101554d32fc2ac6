namespace Chaos.Communities;

/// <summary>One administrative action; <see cref="Action"/> is a dotted name such as <c>member.kick</c>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] long CommunityId,
    [property: Id(2)] long ActorId,
    [property: Id(3)] string Action,
    [property: Id(4)] long? TargetId,
    [property: Id(5)] string? Reason,
    [property: Id(6)] IReadOnlyDictionary<string, AuditChange> Changes,
    [property: Id(7)] DateTimeOffset CreatedAt);
