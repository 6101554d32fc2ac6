using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Gateway;
using Chaos.Api.RateLimits;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Ids;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chaos.Api.Communities;

/// <summary>
/// <c>/api/v1/communities</c>: communities, members, bans, roles, invites and the audit log. The front door only
/// authenticates and parses; the Community grain decides what the caller may do.
/// </summary>
public static class CommunitiesApi
{
    /// <summary>Discord's header for a moderator's reason on actions without a body (kick, role changes).</summary>
    public const string ReasonHeader = "X-Audit-Log-Reason";

    public static RouteGroupBuilder MapCommunitiesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/communities").WithTags("Communities").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);

        group.MapPost("/{id}/channels", CreateChannelAsync);

        group.MapGet("/{id}/members", GetMembersAsync);
        group.MapGet("/{id}/members/{userId}", GetMemberAsync);
        group.MapDelete("/{id}/members/@me", LeaveAsync);
        group.MapDelete("/{id}/members/{userId}", KickAsync);
        group.MapPut("/{id}/members/{userId}/roles/{roleId}", AddMemberRoleAsync);
        group.MapDelete("/{id}/members/{userId}/roles/{roleId}", RemoveMemberRoleAsync);

        group.MapPut("/{id}/bans/{userId}", BanAsync);
        group.MapDelete("/{id}/bans/{userId}", UnbanAsync);
        group.MapGet("/{id}/bans", GetBansAsync);

        group.MapPost("/{id}/invites", CreateInviteAsync);
        group.MapGet("/{id}/invites", GetInvitesAsync);

        group.MapPost("/{id}/roles", CreateRoleAsync);
        group.MapPatch("/{id}/roles/{roleId}", UpdateRoleAsync);
        group.MapDelete("/{id}/roles/{roleId}", DeleteRoleAsync);

        group.MapGet("/{id}/audit-log", GetAuditLogAsync);
        return api;
    }

    private static async Task<Created<Community>> CreateAsync(CommunityRequest request, ClaimsPrincipal user, IGrainFactory grains, IIdGenerator ids, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        new RequestValidator()
            .Check("name", CommunityRules.CheckName(request.Name))
            .Check("description", CommunityRules.CheckDescription(request.Description))
            .Check("ai", request.Ai is null ? null : "ai is set with PATCH /communities/{id}.")
            .Check("supportDesk", request.SupportDesk is null ? null : "supportDesk is set with PATCH /communities/{id}.")
            .ThrowIfInvalid();
        var grain = grains.GetGrain<ICommunityGrain>(ids.NextId());
        var community = await GrainCalls.RetryAsync(() => grain.CreateAsync(user.UserId(), request.Name!, request.Description), idempotent: true, ct);
        await barrier.WaitForUsersAsync([user.UserId()]);
        return TypedResults.Created($"/api/v1/communities/{community.Id}", community);
    }

    private static Task<Community> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) =>
        Call(grains, id, g => g.GetAsync(user.UserId()), ct);

    private static async Task<Community> UpdateAsync(string id, CommunityRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        new RequestValidator()
            .Check("name", request.Name is null ? null : CommunityRules.CheckName(request.Name))
            .Check("description", CommunityRules.CheckDescription(request.Description))
            .Check("supportDesk.greeting", Chaos.Support.SupportRules.CheckGreeting(request.SupportDesk?.Greeting))
            .Check("supportDesk.offlineMessage", Chaos.Support.SupportRules.CheckGreeting(request.SupportDesk?.OfflineMessage))
            .ThrowIfInvalid();
        if (request.SupportDesk is { } desk)
        {
            // The desk grain checks ManageCommunity itself (docs/api.md#support-desk).
            var communityId = RouteIds.Parse(id, "id");
            await GrainCalls.RetryAsync(() => grains.GetGrain<Chaos.Support.ISupportDeskGrain>(communityId).ConfigureAsync(user.UserId(), desk), idempotent: true, ct);
        }

        return await Call(grains, id, g => g.UpdateAsync(user.UserId(), request.Name, request.Description, request.Ai), ct);
    }

    private static async Task<NoContent> DeleteAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        await Call(grains, id, async g => { await g.DeleteAsync(user.UserId()); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<Channel>> CreateChannelAsync(string id, ChannelRequest request, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        new RequestValidator()
            .Check("name", CommunityRules.CheckChannelName(request.Name))
            .Check("type", request.Type is null ? "type is required: \"text\" or \"voice\"." : request.Type is ChannelType.Text or ChannelType.Voice ? null : "A community channel is \"text\" or \"voice\".")
            .Check("topic", CommunityRules.CheckTopic(request.Topic))
            .Check("position", request.Position is < 0 ? "position must not be negative." : null)
            .Check("aiExcluded", request.AiExcluded is null ? null : "aiExcluded is set with PATCH /channels/{id}.")
            .Check("e2ee", request.E2ee is true && request.Type is not ChannelType.Voice ? "Only a voice channel of a community can be end-to-end encrypted." : null)
            .ThrowIfInvalid();
        var channel = await Call(grains, id, g => g.CreateChannelAsync(user.UserId(), request.Name!, request.Type!.Value, request.Topic, request.Position, request.E2ee ?? false), ct);
        await barrier.WaitForCommunityAsync(channel.CommunityId!.Value);
        return TypedResults.Created($"/api/v1/channels/{channel.Id}", channel);
    }

    private static Task<IReadOnlyList<Member>> GetMembersAsync(string id, [FromQuery] string? after, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var afterId = after is null ? (long?)null : RouteIds.Parse(after, "after");
        var size = RouteIds.Limit(limit, CommunityRules.DefaultPageSize, CommunityRules.MaxPageSize);
        return Call(grains, id, g => g.GetMembersAsync(user.UserId(), afterId, size), ct);
    }

    private static Task<Member> GetMemberAsync(string id, string userId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var target = RouteIds.Parse(userId, "userId");
        return Call(grains, id, g => g.GetMemberAsync(user.UserId(), target), ct);
    }

    private static async Task<NoContent> LeaveAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        await Call(grains, id, async g => { await g.LeaveAsync(user.UserId()); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> KickAsync(string id, string userId, [FromHeader(Name = ReasonHeader)] string? reason, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var target = RouteIds.Parse(userId, "userId");
        new RequestValidator().Check("reason", CommunityRules.CheckReason(reason)).ThrowIfInvalid();
        await Call(grains, id, async g => { await g.KickAsync(user.UserId(), target, reason); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Member> AddMemberRoleAsync(string id, string userId, string roleId, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var target = RouteIds.Parse(userId, "userId");
        var role = RouteIds.Parse(roleId, "roleId");
        var member = await Call(grains, id, g => g.AddMemberRoleAsync(user.UserId(), target, role), ct);
        await barrier.WaitForCommunityAsync(RouteIds.Parse(id, "id"));
        return member;
    }

    private static async Task<Member> RemoveMemberRoleAsync(string id, string userId, string roleId, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var target = RouteIds.Parse(userId, "userId");
        var role = RouteIds.Parse(roleId, "roleId");
        var member = await Call(grains, id, g => g.RemoveMemberRoleAsync(user.UserId(), target, role), ct);
        await barrier.WaitForCommunityAsync(RouteIds.Parse(id, "id"));
        return member;
    }

    private static async Task<NoContent> BanAsync(string id, string userId, [FromBody] BanRequest? request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var target = RouteIds.Parse(userId, "userId");
        new RequestValidator().Check("reason", CommunityRules.CheckReason(request?.Reason)).ThrowIfInvalid();
        await Call(grains, id, async g => { await g.BanAsync(user.UserId(), target, request?.Reason); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> UnbanAsync(string id, string userId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var target = RouteIds.Parse(userId, "userId");
        await Call(grains, id, async g => { await g.UnbanAsync(user.UserId(), target); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static Task<IReadOnlyList<Ban>> GetBansAsync(string id, [FromQuery] string? after, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var afterId = after is null ? (long?)null : RouteIds.Parse(after, "after");
        var size = RouteIds.Limit(limit, 100, 1000);
        return Call(grains, id, g => g.GetBansAsync(user.UserId(), afterId, size), ct);
    }

    private static async Task<Created<Invite>> CreateInviteAsync(string id, [FromBody] InviteRequest? request, ClaimsPrincipal user, IGrainFactory grains, EdgeTags tags, CancellationToken ct)
    {
        // One code for every retry, so a retried creation cannot leave a second invite behind.
        var code = tags.NewInviteCode();
        var invite = await Call(grains, id, g => g.CreateInviteAsync(user.UserId(), request?.MaxUses ?? 0, request?.MaxAgeSeconds ?? CommunityRules.DefaultInviteAgeSeconds, code), ct);
        return TypedResults.Created($"/api/v1/invites/{invite.Code}", invite);
    }

    private static Task<IReadOnlyList<Invite>> GetInvitesAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) =>
        Call(grains, id, g => g.GetInvitesAsync(user.UserId()), ct);

    private static async Task<Created<Role>> CreateRoleAsync(string id, [FromBody] RoleRequest? request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var change = ToChange(request ?? new RoleRequest(null, null, null, null, null));
        var role = await Call(grains, id, g => g.CreateRoleAsync(user.UserId(), change), ct);
        return TypedResults.Created($"/api/v1/communities/{id}/roles/{role.Id}", role);
    }

    private static async Task<Role> UpdateRoleAsync(string id, string roleId, RoleRequest request, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var role = RouteIds.Parse(roleId, "roleId");
        var change = ToChange(request);
        var updated = await Call(grains, id, g => g.UpdateRoleAsync(user.UserId(), role, change), ct);
        await barrier.WaitForCommunityAsync(RouteIds.Parse(id, "id"));
        return updated;
    }

    private static async Task<NoContent> DeleteRoleAsync(string id, string roleId, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var role = RouteIds.Parse(roleId, "roleId");
        await Call(grains, id, async g => { await g.DeleteRoleAsync(user.UserId(), role); return true; }, ct);
        await barrier.WaitForCommunityAsync(RouteIds.Parse(id, "id"));
        return TypedResults.NoContent();
    }

    private static Task<IReadOnlyList<AuditEntry>> GetAuditLogAsync(string id, [FromQuery] string? before, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var beforeId = before is null ? (long?)null : RouteIds.Parse(before, "before");
        var size = RouteIds.Limit(limit, CommunityRules.DefaultPageSize, CommunityRules.MaxPageSize);
        return Call(grains, id, g => g.GetAuditLogAsync(user.UserId(), beforeId, size), ct);
    }

    private static RoleChange ToChange(RoleRequest request)
    {
        new RequestValidator()
            .Check("name", request.Name is null ? null : CommunityRules.CheckRoleName(request.Name))
            .Check("color", request.Color is < 0 or > CommunityRules.MaxColor ? "Color is an RGB integer from 0 to 16777215." : null)
            .Check("position", request.Position is < 1 ? "position must be at least 1 (@everyone holds 0)." : null)
            .ThrowIfInvalid();
        return new RoleChange(request.Name, request.Permissions, request.Position, request.Color, request.Mentionable);
    }

    /// <summary>Parses the community id and calls its grain, retrying through a silo failover (reads and idempotent writes).</summary>
    internal static Task<T> Call<T>(IGrainFactory grains, string id, Func<ICommunityGrain, Task<T>> call, CancellationToken ct)
    {
        var communityId = RouteIds.Parse(id, "id");
        var grain = grains.GetGrain<ICommunityGrain>(communityId);
        return GrainCalls.RetryAsync(() => call(grain), idempotent: false, ct);
    }
}
