namespace Chaos.Client.Communities;

/// <summary>What <c>GET /invites/{code}</c> shows without authentication.</summary>
public sealed record InvitePreview(string Code, string CommunityId, string InviterId, int MaxUses, int Uses, DateTimeOffset? ExpiresAt, CommunitySummary? Community);
