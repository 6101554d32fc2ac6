using System.Security.Claims;
using Chaos.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chaos.Api.Messages;

/// <summary>Reactions and pins (docs/api.md#reactions-and-pins). The Channel grain decides and publishes the events.</summary>
public static class ReactionsApi
{
    public static RouteGroupBuilder MapReactionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channels/{id}").WithTags("Reactions and pins").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPut("/messages/{messageId}/reactions/{emoji}/@me", AddAsync);
        group.MapDelete("/messages/{messageId}/reactions/{emoji}/@me", RemoveOwnAsync);
        group.MapDelete("/messages/{messageId}/reactions/{emoji}/{userId}", RemoveOtherAsync);
        group.MapGet("/messages/{messageId}/reactions/{emoji}", UsersAsync);
        group.MapPut("/pins/{messageId}", PinAsync).ProducesProblem(409);
        group.MapDelete("/pins/{messageId}", UnpinAsync);
        group.MapGet("/pins", PinsAsync);
        return api;
    }

    private static async Task<NoContent> AddAsync(string id, string messageId, string emoji, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var message = RouteIds.Parse(messageId, "messageId");
        CheckEmoji(emoji);
        var channel = Channel(grains, id);
        var me = user.UserId();
        await GrainCalls.RetryAsync(() => channel.AddReactionAsync(me, message, emoji), idempotent: true, ct);
        return TypedResults.NoContent();
    }

    private static Task<NoContent> RemoveOwnAsync(string id, string messageId, string emoji, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) =>
        RemoveCoreAsync(id, messageId, emoji, user.UserId(), user, grains, ct);

    private static Task<NoContent> RemoveOtherAsync(string id, string messageId, string emoji, string userId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct) =>
        RemoveCoreAsync(id, messageId, emoji, RouteIds.Parse(userId, "userId"), user, grains, ct);

    private static async Task<NoContent> RemoveCoreAsync(string id, string messageId, string emoji, long target, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var message = RouteIds.Parse(messageId, "messageId");
        CheckEmoji(emoji);
        var channel = Channel(grains, id);
        var me = user.UserId();
        await GrainCalls.RetryAsync(() => channel.RemoveReactionAsync(me, message, emoji, target), idempotent: true, ct);
        return TypedResults.NoContent();
    }

    private static Task<IReadOnlyList<PublicUser>> UsersAsync(string id, string messageId, string emoji, [FromQuery] string? after, [FromQuery] int? limit, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var message = RouteIds.Parse(messageId, "messageId");
        CheckEmoji(emoji);
        var afterId = RouteIds.ParseOptional(after, "after");
        var size = RouteIds.Limit(limit, CommunityRules.DefaultPageSize, CommunityRules.MaxPageSize);
        var channel = Channel(grains, id);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => channel.GetReactionUsersAsync(me, message, emoji, afterId, size), idempotent: true, ct);
    }

    private static async Task<NoContent> PinAsync(string id, string messageId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var message = RouteIds.Parse(messageId, "messageId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        await GrainCalls.RetryAsync(() => channel.PinAsync(me, message), idempotent: true, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> UnpinAsync(string id, string messageId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var message = RouteIds.Parse(messageId, "messageId");
        var channel = Channel(grains, id);
        var me = user.UserId();
        await GrainCalls.RetryAsync(() => channel.UnpinAsync(me, message), idempotent: true, ct);
        return TypedResults.NoContent();
    }

    private static Task<IReadOnlyList<Message>> PinsAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channel = Channel(grains, id);
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => channel.GetPinsAsync(me), idempotent: true, ct);
    }

    private static void CheckEmoji(string emoji) => ChaosException.ThrowIfInvalid("emoji", ReactionRules.CheckEmoji(emoji));

    private static IChannelGrain Channel(IGrainFactory grains, string id) => grains.GetGrain<IChannelGrain>(RouteIds.Parse(id, "id"));
}
