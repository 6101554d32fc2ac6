using Chaos.Permissions;
using Orleans.Concurrency;

namespace Chaos.Communities;

/// <summary>
/// A community: settings, roles, channels and invites in bounded state; members, bans and the audit log in PostgreSQL.
/// Every method that acts for a user takes that user's id and checks their rights itself (docs/architecture.md#grains).
/// </summary>
public interface ICommunityGrain : IGrainWithIntegerKey
{
    Task<Community> CreateAsync(long ownerId, string name, string? description);

    Task<Community> GetAsync(long actorId);

    /// <summary>Name, description and the <c>ai</c> settings (docs/api.md#ai-assistance); null leaves each as it is.</summary>
    Task<Community> UpdateAsync(long actorId, string? name, string? description, Ai.CommunityAiChange? ai = null);

    Task DeleteAsync(long actorId);

    /// <summary>A text or voice channel; <paramref name="e2ee"/> (voice only) makes it end-to-end encrypted for good.</summary>
    Task<Channel> CreateChannelAsync(long actorId, string name, ChannelType type, string? topic, int? position, bool e2ee = false);

    Task<Channel> GetChannelAsync(long actorId, long channelId);

    Task<Channel> UpdateChannelAsync(long actorId, long channelId, ChannelChange change);

    Task DeleteChannelAsync(long actorId, long channelId);

    Task<Channel> SetOverwriteAsync(long actorId, long channelId, ChannelOverwrite overwrite);

    Task<Channel> DeleteOverwriteAsync(long actorId, long channelId, long targetId);

    Task<Role> CreateRoleAsync(long actorId, RoleChange change);

    Task<Role> UpdateRoleAsync(long actorId, long roleId, RoleChange change);

    Task DeleteRoleAsync(long actorId, long roleId);

    Task<Member> AddMemberRoleAsync(long actorId, long userId, long roleId);

    Task<Member> RemoveMemberRoleAsync(long actorId, long userId, long roleId);

    Task<IReadOnlyList<Member>> GetMembersAsync(long actorId, long? after, int limit);

    Task<Member> GetMemberAsync(long actorId, long userId);

    Task LeaveAsync(long userId);

    Task KickAsync(long actorId, long userId, string? reason);

    Task BanAsync(long actorId, long userId, string? reason);

    Task UnbanAsync(long actorId, long userId);

    Task<IReadOnlyList<Ban>> GetBansAsync(long actorId, long? after, int limit);

    /// <summary>Creates an invite under <paramref name="code"/>, which the front door generates (docs/architecture.md#cheap-checks-before-grains).</summary>
    Task<Invite> CreateInviteAsync(long actorId, int maxUses, int maxAgeSeconds, string code);

    Task<IReadOnlyList<Invite>> GetInvitesAsync(long actorId);

    Task RevokeInviteAsync(long actorId, string code);

    /// <summary>Joins through an invite. Serialized by this grain, so the last use of an invite goes to exactly one user.</summary>
    Task<Community> AcceptInviteAsync(long userId, string code);

    Task<InvitePreview> PreviewInviteAsync(string code);

    Task<IReadOnlyList<AuditEntry>> GetAuditLogAsync(long actorId, long? before, int limit);

    /// <summary>
    /// The caller's effective permissions in the community, or in one channel of it. Read-only and interleaving: channel
    /// grains ask it while this grain may be awaiting one of them (creating a channel), which must not deadlock.
    /// </summary>
    [AlwaysInterleave]
    Task<Permissions.Permissions> GetPermissionsAsync(long actorId, long? channelId);

    /// <summary>
    /// The channels whose history the caller may read (ViewChannel and ReadMessageHistory) and the caller's role ids:
    /// what search and the mentions inbox filter by. Read-only and interleaving like <see cref="GetPermissionsAsync"/>.
    /// </summary>
    [AlwaysInterleave]
    Task<ReadableChannels> GetReadableChannelsAsync(long actorId);

    /// <summary>
    /// Voice moderation: the actor's permissions in <paramref name="channelId"/>, after checking that the actor outranks
    /// <paramref name="targetId"/> (forbidden otherwise; acting on oneself is allowed). Read-only and interleaving.
    /// </summary>
    [AlwaysInterleave]
    Task<Permissions.Permissions> GetModerationPermissionsAsync(long actorId, long targetId, long channelId);

    /// <summary>
    /// The AI moderation mode that applies to one channel's messages: the community's, or off when the channel is
    /// <c>aiExcluded</c> (docs/api.md#ai-assistance). For channel and moderation grains; read-only and interleaving.
    /// </summary>
    [AlwaysInterleave]
    Task<Ai.ModerationMode> GetModerationModeAsync(long channelId);

    /// <summary>
    /// Whether nothing of this channel may reach a model (its <c>aiExcluded</c>, docs/api.md#ai-assistance); true for a
    /// channel the community does not have. For voice-message transcripts; read-only and interleaving.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> IsAiExcludedAsync(long channelId);

    /// <summary>
    /// Which of <paramref name="userIds"/> hold <paramref name="needed"/> in <paramref name="channelId"/>: one call per
    /// event and front door (its connected users), never one per user. Read-only and interleaving.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<long>> WhoHoldsAsync(IReadOnlyList<long> userIds, long channelId, Permissions.Permissions needed);
}
