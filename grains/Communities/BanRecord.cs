namespace Chaos.Communities;

public sealed record BanRecord(long CommunityId, long UserId, long ActorId, string? Reason, DateTimeOffset CreatedAt);
