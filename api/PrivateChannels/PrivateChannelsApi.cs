using System.Security.Claims;
using Chaos.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Gateway;
using Chaos.Api.RateLimits;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Ids;
using Chaos.PrivateChannels;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.PrivateChannels;

/// <summary>DMs and group DMs: <c>/users/@me/channels</c> and <c>/channels/{id}/recipients/{userId}</c>.</summary>
public static class PrivateChannelsApi
{
    public static RouteGroupBuilder MapPrivateChannelsApi(this RouteGroupBuilder api)
    {
        var mine = api.MapGroup("/users/@me/channels").WithTags("Direct messages").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        mine.MapPost("/", CreateAsync).ProducesProblem(409).ProducesProblem(429);
        mine.MapGet("/", ListAsync);
        var recipients = api.MapGroup("/channels/{id}/recipients").WithTags("Direct messages").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        recipients.MapPut("/{userId}", AddRecipientAsync);
        recipients.MapDelete("/{userId}", RemoveRecipientAsync);
        return api;
    }

    private static async Task<Results<Ok<Channel>, ProblemHttpResult>> CreateAsync(
        PrivateChannelRequest request, ClaimsPrincipal user, IGrainFactory grains, IIdGenerator ids, GatewayDeliveryBarrier barrier, RateLimiter limiter, HttpContext http, CancellationToken ct)
    {
        var me = user.UserId();
        var raw = request.RecipientIds ?? throw ChaosException.Validation("recipientIds", "recipientIds is required.");
        if (raw.Count > PrivateChannelRules.MaxGroupRecipients)
        {
            throw ChaosException.Validation("recipientIds", $"A group has at most {PrivateChannelRules.MaxGroupRecipients} recipients besides you.");
        }

        var recipients = raw.Select(r => RouteIds.Parse(r, "recipientIds")).Distinct().ToList();
        if (recipients.Contains(me))
        {
            throw ChaosException.Validation("recipientIds", "Do not list yourself among the recipients.");
        }

        switch (recipients.Count)
        {
            case 0:
                throw ChaosException.Validation("recipientIds", "Name one recipient for a DM, or 2–9 for a group.");
            case 1:
                var dm = grains.GetGrain<IDmGrain>(DmKey.Of(me, recipients[0], request.E2ee ?? false).ToString());
                var opened = await GrainCalls.RetryAsync(() => dm.OpenAsync(me), idempotent: true, ct);
                await barrier.WaitForUsersAsync(opened.RecipientIds ?? [me, .. recipients]);
                return TypedResults.Ok(opened);
            default:
                if (limiter.Enabled && await limiter.TakeAsync(RateLimiter.GroupsBucket, me) is { Allowed: false } refused)
                {
                    // Groups have their own, slower bucket (docs/api.md#rate-limits): putting people into groups is the spam path.
                    RateLimiter.WriteHeaders(http.Response, refused);
                    return Problems.From(RateLimiter.Refusal(refused), http);
                }

                var channel = grains.GetGrain<IChannelGrain>(ids.NextId());
                var created = await GrainCalls.RetryAsync(() => channel.CreatePrivateAsync(ChannelType.Group, me, [me, .. recipients], request.E2ee ?? false), idempotent: true, ct);
                await barrier.WaitForUsersAsync(created.RecipientIds ?? [me, .. recipients]);
                return TypedResults.Ok(created);
        }
    }

    private static async Task<Ok<List<Channel>>> ListAsync(ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var me = user.UserId();
        var channelIds = await GrainCalls.RetryAsync(() => grains.GetGrain<IUserGrain>(me).GetPrivateChannelIdsAsync(), idempotent: true, ct);
        var channels = await Task.WhenAll(channelIds.Select(async id =>
        {
            try
            {
                return await grains.GetGrain<IChannelGrain>(id).GetPrivateAsync(me);
            }
            catch (ChaosException)
            {
                return null;
            }
        }));
        return TypedResults.Ok(channels.OfType<Channel>().ToList());
    }

    private static async Task<Ok<Channel>> AddRecipientAsync(string id, string userId, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var channel = grains.GetGrain<IChannelGrain>(RouteIds.Parse(id, "id"));
        var target = RouteIds.Parse(userId, "userId");
        var me = user.UserId();
        var updated = await GrainCalls.RetryAsync(() => channel.AddRecipientAsync(me, target), idempotent: true, ct);
        await barrier.WaitForUsersAsync([target]);
        return TypedResults.Ok(updated);
    }

    private static async Task<NoContent> RemoveRecipientAsync(string id, string userId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channel = grains.GetGrain<IChannelGrain>(RouteIds.Parse(id, "id"));
        var me = user.UserId();
        var target = userId == "@me" ? me : RouteIds.Parse(userId, "userId");
        await GrainCalls.RetryAsync(() => channel.RemoveRecipientAsync(me, target), idempotent: false, ct);
        return TypedResults.NoContent();
    }
}
