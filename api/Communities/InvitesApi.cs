using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Gateway;
using Chaos.Api.RateLimits;
using Chaos.Communities;
using Chaos.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Communities;

/// <summary><c>/api/v1/invites/{code}</c>: preview (no auth), join, revoke.</summary>
public static class InvitesApi
{
    public static RouteGroupBuilder MapInvitesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/invites").WithTags("Invites").ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/{code}", PreviewAsync).AllowAnonymous().AddEndpointFilter(new AddressRateLimitFilter(RateLimiter.InvitePreviewsBucket)).ProducesProblem(429);
        group.MapPost("/{code}", AcceptAsync).RequireAuthorization();
        group.MapDelete("/{code}", RevokeAsync).RequireAuthorization();
        return api;
    }

    private static Task<InvitePreview> PreviewAsync(string code, IGrainFactory grains, EdgeTags tags, CancellationToken ct) =>
        CallAsync(grains, tags, code, (g, c) => g.PreviewInviteAsync(c), ct);

    private static async Task<Community> AcceptAsync(string code, ClaimsPrincipal user, IGrainFactory grains, EdgeTags tags, GatewayDeliveryBarrier barrier, CancellationToken ct)
    {
        var community = await CallAsync(grains, tags, code, (g, c) => g.AcceptInviteAsync(user.UserId(), c), ct);
        await barrier.WaitForUsersAsync([user.UserId()]);
        return community;
    }

    private static async Task<NoContent> RevokeAsync(string code, ClaimsPrincipal user, IGrainFactory grains, EdgeTags tags, CancellationToken ct)
    {
        await CallAsync(grains, tags, code, async (g, c) => { await g.RevokeInviteAsync(user.UserId(), c); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<T> CallAsync<T>(IGrainFactory grains, EdgeTags tags, string code, Func<ICommunityGrain, string, Task<T>> call, CancellationToken ct)
    {
        var invalid = new ChaosException(ErrorCodes.InviteInvalid, "This invite is unknown, expired, used up or revoked.");
        // A guessed code fails its tag here, before any grain is activated (docs/architecture.md#cheap-checks-before-grains).
        if (!tags.IsGenuineInviteCode(code))
        {
            throw invalid;
        }

        var invite = grains.GetGrain<IInviteGrain>(InviteKey.For(code));
        var communityId = await GrainCalls.RetryAsync(() => invite.GetCommunityIdAsync(), idempotent: true, ct) ?? throw invalid;
        var community = grains.GetGrain<ICommunityGrain>(communityId);
        try
        {
            return await GrainCalls.RetryAsync(() => call(community, code), idempotent: false, ct);
        }
        catch (ChaosException exception) when (exception.Code == ErrorCodes.NotFound)
        {
            throw invalid;
        }
    }
}
