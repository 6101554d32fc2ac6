using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Errors;
using Chaos.Voice;

namespace Chaos.Api.Voice;

/// <summary>The voice routes (docs/api.md#voice-routes): who is in a voice channel, and moderator mute, deafen, move and disconnect.</summary>
public static class VoiceApi
{
    public static RouteGroupBuilder MapVoiceApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Voice").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/channels/{id}/voice-states", GetStatesAsync);
        group.MapPatch("/communities/{id}/voice-states/{userId}", ModerateAsync);
        return api;
    }

    private static Task<IReadOnlyList<VoiceState>> GetStatesAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var channelId = RouteIds.Parse(id, "id");
        var me = user.UserId();
        return GrainCalls.RetryAsync(() => grains.GetGrain<IVoiceRoomGrain>(channelId).GetStatesAsync(me), idempotent: true, ct);
    }

    private static async Task<IResult> ModerateAsync(string id, string userId, VoiceStatePatch request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var communityId = RouteIds.Parse(id, "id");
        var target = RouteIds.Parse(userId, "userId");
        if (request is null || (request.Mute is null && request.Deaf is null && !request.ChannelIdGiven))
        {
            throw ChaosException.Validation("body", "Give at least one of mute, deaf and channelId.");
        }

        var channelId = RouteIds.ParseOptional(request.ChannelId, "channelId");
        var me = user.UserId();
        var state = await GrainCalls.RetryAsync(
            () => grains.GetGrain<IVoiceMemberGrain>(target).ModerateAsync(me, communityId, request.Mute, request.Deaf, request.ChannelIdGiven, channelId),
            idempotent: true,
            ct);
        return state is null ? TypedResults.NoContent() : TypedResults.Ok(state);
    }
}
