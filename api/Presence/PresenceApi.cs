using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Presence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Presence;

/// <summary><c>PUT /api/v1/users/@me/presence</c>: the REST twin of the gateway's <c>SetPresence</c>.</summary>
public static class PresenceApi
{
    public static RouteGroupBuilder MapPresenceApi(this RouteGroupBuilder api)
    {
        api.MapPut("/users/@me/presence", SetAsync).WithTags("Presence").RequireAuthorization().ProducesProblem(400).ProducesProblem(401);
        return api;
    }

    private static async Task<Ok<UserPresence>> SetAsync(PresenceRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var status = PresenceParsing.ParseStatus(request.Status, request.StatusMessage);
        var presence = grains.GetGrain<IPresenceGrain>(user.UserId());
        return TypedResults.Ok(await GrainCalls.RetryAsync(() => presence.SetAsync(status, request.StatusMessage), idempotent: true, ct));
    }
}
