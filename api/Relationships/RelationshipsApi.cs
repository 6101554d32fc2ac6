using System.Security.Claims;
using Chaos.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Errors;
using Chaos.Relationships;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Relationships;

/// <summary>
/// <c>/api/v1/users/@me/relationships</c>. Every change is sent to the pair's coordinator (the lower user id's grain),
/// which is the one place a pair's views change (see <c>UserGrain.Relationships</c>).
/// </summary>
public static class RelationshipsApi
{
    public static RouteGroupBuilder MapRelationshipsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users/@me/relationships").WithTags("Relationships").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapGet("/", GetAsync);
        group.MapPut("/{userId}", PutAsync);
        group.MapDelete("/{userId}", DeleteAsync);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<Relationship>>> GetAsync(ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var me = grains.GetGrain<IUserGrain>(user.UserId());
        return TypedResults.Ok(await GrainCalls.RetryAsync(() => me.GetRelationshipsAsync(), idempotent: true, ct));
    }

    private static async Task<Ok<Relationship>> PutAsync(string userId, RelationshipRequest request, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        var target = RouteIds.Parse(userId, "userId");
        var type = request.Type switch
        {
            "friend" => RelationshipType.Friend,
            "block" => RelationshipType.Blocked,
            _ => throw ChaosException.Validation("type", "type must be \"friend\" or \"block\"."),
        };
        return TypedResults.Ok(await ChangeAsync(grains, user.UserId(), target, type, ct));
    }

    private static async Task<NoContent> DeleteAsync(string userId, ClaimsPrincipal user, IGrainFactory grains, CancellationToken ct)
    {
        await ChangeAsync(grains, user.UserId(), RouteIds.Parse(userId, "userId"), RelationshipType.None, ct);
        return TypedResults.NoContent();
    }

    private static Task<Relationship> ChangeAsync(IGrainFactory grains, long me, long target, RelationshipType type, CancellationToken ct)
    {
        if (me == target)
        {
            throw ChaosException.Validation("userId", "You cannot have a relationship with yourself.");
        }

        var coordinator = grains.GetGrain<IUserGrain>(RelationshipRules.Coordinator(me, target));
        // Every change is idempotent (it names the end state), so a retry after a failover is safe.
        return GrainCalls.RetryAsync(() => coordinator.ChangeRelationshipAsync(me, target, type), idempotent: true, ct);
    }
}
