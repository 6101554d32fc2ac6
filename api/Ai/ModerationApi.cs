using System.Security.Claims;
using Chaos.Ai;
using Chaos.Api.Blobs;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Communities;
using Chaos.Errors;
using Microsoft.AspNetCore.Mvc;

namespace Chaos.Api.Ai;

/// <summary>
/// The moderators' routes (docs/api.md#ai-assistance): the community's queue of flagged messages, decisions on its
/// items, and the figures of the backlog still waiting for the model. The Moderation grain checks ManageMessages.
/// </summary>
public static class ModerationApi
{
    public static RouteGroupBuilder MapModerationApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/communities/{id}/moderation").WithTags("AI").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/queue", GetQueueAsync);
        group.MapPatch("/queue/{itemId}", DecideAsync).ProducesProblem(409);
        group.MapGet("/status", GetStatusAsync);
        return api;
    }

    private static Task<IReadOnlyList<ModerationItem>> GetQueueAsync(
        string id, [FromQuery] string? status, [FromQuery] string? before, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var communityId = RouteIds.Parse(id, "id");
        ModerationStatus? wanted = status switch
        {
            null => null,
            "open" => ModerationStatus.Open,
            "dismissed" => ModerationStatus.Dismissed,
            "removed" => ModerationStatus.Removed,
            _ => throw ChaosException.Validation("status", "status is open, dismissed or removed."),
        };
        var beforeId = before is null ? (long?)null : RouteIds.Parse(before, "before");
        var size = RouteIds.Limit(limit, CommunityRules.DefaultPageSize, CommunityRules.MaxPageSize);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<IModerationGrain>(communityId).GetQueueAsync(me, wanted, beforeId, size), idempotent: true, ct);
    }

    private static async Task<ModerationItem> DecideAsync(
        string id, string itemId, ModerationDecisionRequest request, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs, CancellationToken ct)
    {
        var communityId = RouteIds.Parse(id, "id");
        var item = RouteIds.Parse(itemId, "itemId");
        if (request.Status is not { } status)
        {
            throw ChaosException.Validation("status", "status is required: dismissed or removed.");
        }

        var me = user.UserId();
        var decision = await GrainCalls.RetryAsync(() => grains.GetGrain<IModerationGrain>(communityId).DecideAsync(me, item, status), idempotent: false, ct);
        foreach (var attachment in decision.RemovedAttachments)
        {
            // As for any deleted message: the row is gone first (docs/architecture.md#blobs).
            await blobs.DeleteWithThumbnailAsync(attachment, CancellationToken.None);
        }

        return decision.Item;
    }

    private static Task<ModerationBacklog> GetStatusAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var communityId = RouteIds.Parse(id, "id");
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<IModerationGrain>(communityId).GetBacklogAsync(me), idempotent: true, ct);
    }
}
