using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Messages;
using Microsoft.AspNetCore.Mvc;

namespace Chaos.Api.Messages;

/// <summary>Search, the mentions inbox and notification settings (docs/api.md#search-and-mentions).</summary>
public static class SearchApi
{
    public static RouteGroupBuilder MapSearchApi(this RouteGroupBuilder api)
    {
        var search = api.MapGroup("/").WithTags("Search and mentions").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        search.MapGet("/communities/{id}/messages/search", SearchCommunityAsync);
        search.MapGet("/channels/{id}/messages/search", SearchChannelAsync);
        search.MapGet("/users/@me/mentions", MentionsAsync);
        search.MapPut("/users/@me/notification-settings/{targetId}", SetNotificationsAsync).ProducesProblem(409);
        search.MapGet("/users/@me/notification-settings", GetNotificationsAsync);
        return api;
    }

    private static Task<SearchResults> SearchCommunityAsync(string id, [FromQuery] string? q, [FromQuery] string? authorId, [FromQuery] string? channelId, [FromQuery] string? before, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var community = RouteIds.Parse(id, "id");
        var query = Query(q, authorId, RouteIds.ParseOptional(channelId, "channelId"), before, limit);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<ISearchGrain>(0).SearchCommunityAsync(me, community, query), idempotent: true, ct);
    }

    private static Task<SearchResults> SearchChannelAsync(string id, [FromQuery] string? q, [FromQuery] string? authorId, [FromQuery] string? before, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channel = RouteIds.Parse(id, "id");
        var query = Query(q, authorId, channel, before, limit);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<ISearchGrain>(0).SearchChannelAsync(me, channel, query), idempotent: true, ct);
    }

    private static Task<SearchResults> MentionsAsync([FromQuery] string? before, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var beforeId = RouteIds.ParseOptional(before, "before");
        var size = RouteIds.Limit(limit, CommunityRules.DefaultPageSize, CommunityRules.MaxPageSize);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<ISearchGrain>(0).GetMentionsAsync(me, beforeId, size), idempotent: true, ct);
    }

    private static Task<NotificationSetting> SetNotificationsAsync(string targetId, NotificationSettingRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var target = RouteIds.Parse(targetId, "targetId");
        new RequestValidator()
            .Check("level", request.Level is null ? "level is required: all, mentions or none." : null)
            .ThrowIfInvalid();
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<INotificationSettingsGrain>(me).SetAsync(target, request.Level!.Value, request.MutedUntil), idempotent: true, ct);
    }

    private static Task<IReadOnlyList<NotificationSetting>> GetNotificationsAsync(ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<INotificationSettingsGrain>(me).GetAllAsync(), idempotent: true, ct);
    }

    private static SearchQuery Query(string? q, string? authorId, long? channelId, string? before, int? limit)
    {
        new RequestValidator().Check("q", SearchRules.CheckQuery(q)).ThrowIfInvalid();
        var author = RouteIds.ParseOptional(authorId, "authorId");
        var beforeId = RouteIds.ParseOptional(before, "before");
        var size = RouteIds.Limit(limit, CommunityRules.DefaultPageSize, CommunityRules.MaxPageSize);
        return new SearchQuery(SearchRules.Terms(q!), author, channelId, beforeId, size);
    }
}
