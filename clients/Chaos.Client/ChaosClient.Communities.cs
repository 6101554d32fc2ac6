using Chaos.Client.Communities;

namespace Chaos.Client;

public sealed partial class ChaosClient
{
    /// <summary>Creates a community owned by the caller, with <c>@everyone</c>, a text channel <c>general</c> and a voice channel <c>General</c>.</summary>
    public Task<Community> CreateCommunityAsync(string name, string? description = null, CancellationToken cancellation = default) =>
        SendAsync<Community>(HttpMethod.Post, "communities", new { name, description }, cancellation);

    public Task<Community> GetCommunityAsync(string communityId, CancellationToken cancellation = default) =>
        SendAsync<Community>(HttpMethod.Get, $"communities/{Id(communityId)}", null, cancellation);

    public Task<Community> UpdateCommunityAsync(string communityId, string? name = null, string? description = null, CancellationToken cancellation = default) =>
        SendAsync<Community>(HttpMethod.Patch, $"communities/{Id(communityId)}", new { name, description }, cancellation);

    public Task DeleteCommunityAsync(string communityId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"communities/{Id(communityId)}", null, cancellation);

    public Task<IReadOnlyList<Member>> GetMembersAsync(string communityId, string? after = null, int? limit = null, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Member>>(HttpMethod.Get, Query($"communities/{Id(communityId)}/members", ("after", after), ("limit", limit)), null, cancellation);

    public Task<Member> GetMemberAsync(string communityId, string userId, CancellationToken cancellation = default) =>
        SendAsync<Member>(HttpMethod.Get, $"communities/{Id(communityId)}/members/{Id(userId)}", null, cancellation);

    public Task LeaveCommunityAsync(string communityId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"communities/{Id(communityId)}/members/@me", null, cancellation);

    public Task KickMemberAsync(string communityId, string userId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"communities/{Id(communityId)}/members/{Id(userId)}", null, cancellation);

    public Task AddMemberRoleAsync(string communityId, string userId, string roleId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"communities/{Id(communityId)}/members/{Id(userId)}/roles/{Id(roleId)}", null, cancellation);

    public Task RemoveMemberRoleAsync(string communityId, string userId, string roleId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"communities/{Id(communityId)}/members/{Id(userId)}/roles/{Id(roleId)}", null, cancellation);

    public Task BanMemberAsync(string communityId, string userId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"communities/{Id(communityId)}/bans/{Id(userId)}", new { reason }, cancellation);

    public Task UnbanMemberAsync(string communityId, string userId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"communities/{Id(communityId)}/bans/{Id(userId)}", null, cancellation);

    public Task<IReadOnlyList<Ban>> GetBansAsync(string communityId, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Ban>>(HttpMethod.Get, $"communities/{Id(communityId)}/bans", null, cancellation);

    /// <summary>Creates an invite; <paramref name="maxUses"/> 0 means unlimited, <paramref name="maxAgeSeconds"/> defaults to a day on the server.</summary>
    public Task<Invite> CreateInviteAsync(string communityId, int? maxUses = null, int? maxAgeSeconds = null, CancellationToken cancellation = default) =>
        SendAsync<Invite>(HttpMethod.Post, $"communities/{Id(communityId)}/invites", new { maxUses, maxAgeSeconds }, cancellation);

    public Task<IReadOnlyList<Invite>> GetInvitesAsync(string communityId, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Invite>>(HttpMethod.Get, $"communities/{Id(communityId)}/invites", null, cancellation);

    /// <summary>Previews an invite; works without logging in.</summary>
    public Task<InvitePreview> GetInviteAsync(string code, CancellationToken cancellation = default) =>
        SendAsync<InvitePreview>(HttpMethod.Get, $"invites/{Id(code)}", null, cancellation, authenticated: Session is not null);

    /// <summary>Joins through an invite (also answers the community when already a member).</summary>
    public Task<Community> AcceptInviteAsync(string code, CancellationToken cancellation = default) =>
        SendAsync<Community>(HttpMethod.Post, $"invites/{Id(code)}", null, cancellation);

    public Task RevokeInviteAsync(string code, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"invites/{Id(code)}", null, cancellation);

    public Task<Role> CreateRoleAsync(string communityId, string name, ChaosPermissions? permissions = null, int? position = null, int? color = null, bool? mentionable = null, CancellationToken cancellation = default) =>
        SendAsync<Role>(HttpMethod.Post, $"communities/{Id(communityId)}/roles", new RoleBody(name, permissions, position, color, mentionable), cancellation);

    public Task<Role> UpdateRoleAsync(string communityId, string roleId, string? name = null, ChaosPermissions? permissions = null, int? position = null, int? color = null, bool? mentionable = null, CancellationToken cancellation = default) =>
        SendAsync<Role>(HttpMethod.Patch, $"communities/{Id(communityId)}/roles/{Id(roleId)}", new RoleBody(name, permissions, position, color, mentionable), cancellation);

    public Task DeleteRoleAsync(string communityId, string roleId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"communities/{Id(communityId)}/roles/{Id(roleId)}", null, cancellation);

    public Task<IReadOnlyList<AuditLogEntry>> GetAuditLogAsync(string communityId, string? before = null, int? limit = null, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<AuditLogEntry>>(HttpMethod.Get, Query($"communities/{Id(communityId)}/audit-log", ("before", before), ("limit", limit)), null, cancellation);

    public Task<Channel> CreateChannelAsync(string communityId, string name, ChannelType type = ChannelType.Text, string? topic = null, int? position = null, CancellationToken cancellation = default) =>
        SendAsync<Channel>(HttpMethod.Post, $"communities/{Id(communityId)}/channels", new ChannelBody(name, type, topic, position), cancellation);

    public Task<Channel> GetChannelAsync(string channelId, CancellationToken cancellation = default) =>
        SendAsync<Channel>(HttpMethod.Get, $"channels/{Id(channelId)}", null, cancellation);

    public Task<Channel> UpdateChannelAsync(string channelId, string? name = null, string? topic = null, int? position = null, CancellationToken cancellation = default) =>
        SendAsync<Channel>(HttpMethod.Patch, $"channels/{Id(channelId)}", new ChannelBody(name, null, topic, position), cancellation);

    public Task DeleteChannelAsync(string channelId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Id(channelId)}", null, cancellation);

    /// <summary>Sets the overwrite of a role or member (<paramref name="targetId"/>) on a channel.</summary>
    public Task SetOverwriteAsync(string channelId, string targetId, OverwriteType type, ChaosPermissions allow, ChaosPermissions deny, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"channels/{Id(channelId)}/overwrites/{Id(targetId)}", new OverwriteBody(type, allow, deny), cancellation);

    public Task DeleteOverwriteAsync(string channelId, string targetId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Id(channelId)}/overwrites/{Id(targetId)}", null, cancellation);

    private sealed record RoleBody(string? Name, ChaosPermissions? Permissions, int? Position, int? Color, bool? Mentionable);

    private sealed record ChannelBody(string? Name, ChannelType? Type, string? Topic, int? Position);

    private sealed record OverwriteBody(OverwriteType Type, ChaosPermissions Allow, ChaosPermissions Deny);
}
