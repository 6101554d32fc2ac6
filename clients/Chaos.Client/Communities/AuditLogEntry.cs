namespace Chaos.Client.Communities;

/// <summary>One audit-log row; <see cref="Action"/> is a dotted name such as <c>member.kick</c>.</summary>
public sealed record AuditLogEntry(
    string Id,
    string CommunityId,
    string ActorId,
    string Action,
    string? TargetId,
    string? Reason,
    IReadOnlyDictionary<string, AuditChange>? Changes,
    DateTimeOffset CreatedAt);
