using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Gateway;
using Chaos.Api.RateLimits;
using Chaos.Communities;
using Chaos.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Communities;

/// <summary><c>/api/v1/channels/{id}</c>: read, update and delete a channel, and its permission overwrites.</summary>
public static class ChannelsApi
{
    public static RouteGroupBuilder MapChannelsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channels").WithTags("Channels").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/{id}", GetAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapPut("/{id}/overwrites/{targetId}", SetOverwriteAsync);
        group.MapDelete("/{id}/overwrites/{targetId}", DeleteOverwriteAsync);
        return api;
    }

    private static async Task<Channel> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channel = grains.GetGrain<IChannelGrain>(RouteIds.Parse(id, "id"));
        if (await GrainCalls.RetryAsync(() => channel.GetCommunityIdAsync(), idempotent: true, ct) is null)
        {
            // Not a community channel: a DM or group answers for itself (not_found when it is neither).
            return await GrainCalls.RetryAsync(() => channel.GetPrivateAsync(user.UserId()), idempotent: true, ct);
        }

        return await CallAsync(grains, id, (g, channelId) => g.GetChannelAsync(user.UserId(), channelId), ct);
    }

    private static Task<Channel> UpdateAsync(string id, ChannelRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        new RequestValidator()
            .Check("name", request.Name is null ? null : CommunityRules.CheckChannelName(request.Name))
            .Check("type", request.Type is null ? null : "A channel's type cannot change.")
            .Check("e2ee", request.E2ee is null ? null : "End-to-end encryption is chosen at creation and never changes: create a new channel.")
            .Check("topic", CommunityRules.CheckTopic(request.Topic))
            .Check("position", request.Position is < 0 ? "position must not be negative." : null)
            .ThrowIfInvalid();
        var change = new ChannelChange(request.Name, request.Topic, request.Position, request.AiExcluded);
        return CallAsync(grains, id, (g, channelId) => g.UpdateChannelAsync(user.UserId(), channelId, change), ct);
    }

    private static async Task<NoContent> DeleteAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        await CallAsync(grains, id, async (g, channelId) => { await g.DeleteChannelAsync(user.UserId(), channelId); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Channel> SetOverwriteAsync(string id, string targetId, OverwriteRequest request, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var target = RouteIds.Parse(targetId, "targetId");
        new RequestValidator().Check("type", request.Type is null ? "type is required: \"role\" or \"member\"." : null).ThrowIfInvalid();
        var overwrite = new ChannelOverwrite(target, request.Type!.Value, request.Allow ?? Permissions.Permissions.None, request.Deny ?? Permissions.Permissions.None);
        var channel = await CallAsync(grains, id, (g, channelId) => g.SetOverwriteAsync(user.UserId(), channelId, overwrite), ct);
        await barrier.WaitForCommunityAsync(channel.CommunityId!.Value);
        return channel;
    }

    private static async Task<Channel> DeleteOverwriteAsync(string id, string targetId, ClaimsPrincipal user, IGrainFactory grains, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var target = RouteIds.Parse(targetId, "targetId");
        var channel = await CallAsync(grains, id, (g, channelId) => g.DeleteOverwriteAsync(user.UserId(), channelId, target), ct);
        await barrier.WaitForCommunityAsync(channel.CommunityId!.Value);
        return channel;
    }

    /// <summary>Finds the channel's community through the Channel grain, then calls the Community grain.</summary>
    private static async Task<T> CallAsync<T>(IGrainFactory grains, string id, Func<ICommunityGrain, long, Task<T>> call, CancellationToken ct)
    {
        var channelId = RouteIds.Parse(id, "id");
        var channel = grains.GetGrain<IChannelGrain>(channelId);
        var communityId = await GrainCalls.RetryAsync(() => channel.GetCommunityIdAsync(), idempotent: true, ct)
            ?? throw ChaosException.NotFound("channel");
        var community = grains.GetGrain<ICommunityGrain>(communityId);
        return await GrainCalls.RetryAsync(() => call(community, channelId), idempotent: false, ct);
    }
}
