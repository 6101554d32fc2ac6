using System.Security.Claims;
using Chaos.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.RateLimits;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Ids;
using Chaos.Presence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Accounts;

/// <summary><c>/api/v1/users</c>: the caller's own profile and other users' public profiles.</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").RequireAuthorization();
        group.MapGet("/@me", GetMeAsync).ProducesProblem(401);
        group.MapPatch("/@me", UpdateMeAsync).ProducesProblem(400).ProducesProblem(401);
        group.MapGet("/@me/communities", GetMyCommunitiesAsync).ProducesProblem(401);
        group.MapGet("/{id}", GetUserAsync).ProducesProblem(400).ProducesProblem(401).ProducesProblem(404);
        return api;
    }

    private static async Task<Ok<UserDto>> GetMeAsync(ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var user = grains.GetGrain<IUserGrain>(principal.UserId());
        var profile = await GrainCalls.RetryAsync(() => user.GetProfileAsync(), idempotent: true, cancellationToken)
            ?? throw ChaosException.NotFound("user");
        return TypedResults.Ok(UserDto.Me(profile));
    }

    private static async Task<Ok<UserDto>> UpdateMeAsync(
        UpdateMeRequest request, ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        new RequestValidator()
            .Check("displayName", request.DisplayName is null ? null : AccountRules.CheckDisplayName(request.DisplayName))
            .Check("statusMessage", AccountRules.CheckStatusMessage(request.StatusMessage))
            .ThrowIfInvalid();
        var user = grains.GetGrain<IUserGrain>(principal.UserId());
        var profile = await GrainCalls.RetryAsync(() => user.UpdateProfileAsync(request.DisplayName, request.StatusMessage), idempotent: true, cancellationToken);
        if (request.StatusMessage is not null)
        {
            // The front door tells presence, not the User grain: Presence calls User, so User never calls Presence.
            var presence = grains.GetGrain<IPresenceGrain>(profile.Id);
            await GrainCalls.RetryAsync(() => presence.SetStatusMessageAsync(profile.StatusMessage), idempotent: true, cancellationToken);
        }

        return TypedResults.Ok(UserDto.Me(profile));
    }

    private static async Task<Ok<List<Community>>> GetMyCommunitiesAsync(ClaimsPrincipal principal, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var me = principal.UserId();
        var ids = await GrainCalls.RetryAsync(() => grains.GetGrain<IUserGrain>(me).GetCommunityIdsAsync(), idempotent: true, cancellationToken);
        var communities = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await GrainCalls.RetryAsync(() => grains.GetGrain<ICommunityGrain>(id).GetAsync(me), idempotent: true, cancellationToken);
            }
            catch (ChaosException)
            {
                // Left or deleted between the two reads.
                return null;
            }
        }));
        return TypedResults.Ok(communities.OfType<Community>().ToList());
    }

    private static async Task<Ok<UserDto>> GetUserAsync(string id, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(id, out var userId))
        {
            throw ChaosException.Validation("id", "A user id is a positive 64-bit integer written as a string.");
        }

        var user = grains.GetGrain<IUserGrain>(userId);
        var profile = await GrainCalls.RetryAsync(() => user.GetProfileAsync(), idempotent: true, cancellationToken)
            ?? throw ChaosException.NotFound("user");
        return TypedResults.Ok(UserDto.Public(profile));
    }
}
