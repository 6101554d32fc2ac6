namespace Chaos.Client.Communities;

public sealed record Invite(string Code, string CommunityId, string InviterId, int MaxUses, int Uses, DateTimeOffset? ExpiresAt);
