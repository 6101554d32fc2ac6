using Chaos.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.RateLimits;
using Chaos.Errors;
using Chaos.Ids;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chaos.Api.Accounts;

/// <summary><c>/api/v1/auth</c>: register, login, refresh (rotating, with reuse detection) and logout.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Auth").AllowAnonymous();
        // One per-address bucket for the three routes that hash passwords or touch logins (docs/api.md#rate-limits).
        var perAddress = new AddressRateLimitFilter(RateLimiter.AuthBucket);
        group.MapPost("/register", RegisterAsync).AddEndpointFilter(perAddress)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429);
        group.MapPost("/login", LoginAsync).AddEndpointFilter(perAddress)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(429);
        group.MapPost("/refresh", RefreshAsync).AddEndpointFilter(perAddress)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(429);
        group.MapPost("/logout", LogoutAsync)
            .ProducesProblem(400);
        return api;
    }

    private static async Task<Created<AuthResponse>> RegisterAsync(
        RegisterRequest request, IGrainFactory grains, IIdGenerator ids, AccessTokenIssuer tokens, EdgeTags tags, CancellationToken cancellationToken)
    {
        var displayName = request.DisplayName ?? request.Username;
        new RequestValidator()
            .Check("username", AccountRules.CheckUsername(request.Username))
            .Check("password", AccountRules.CheckPassword(request.Password))
            .Check("displayName", request.DisplayName is null ? null : AccountRules.CheckDisplayName(request.DisplayName))
            .ThrowIfInvalid();

        var username = AccountRules.NormalizeUsername(request.Username!);
        var nameGrain = grains.GetGrain<IUsernameGrain>(UsernameKey.For(username));
        var userId = ids.NextId();
        var session = await GrainCalls.RetryAsync(() => nameGrain.RegisterAsync(userId, displayName!, request.Password!), idempotent: true, cancellationToken);
        return TypedResults.Created($"/api/v1/users/{session.User.Id}", Respond(session, tokens, tags));
    }

    private static async Task<Ok<AuthResponse>> LoginAsync(
        LoginRequest request, IGrainFactory grains, AccessTokenIssuer tokens, EdgeTags tags, CancellationToken cancellationToken)
    {
        new RequestValidator()
            .Check("username", request.Username is null ? "Username is required." : null)
            .Check("password", request.Password is null ? "Password is required." : null)
            .ThrowIfInvalid();

        // Malformed names cannot exist, so they answer exactly like a wrong password (docs/api.md#auth-routes) without a grain call.
        if (AccountRules.CheckUsername(request.Username) is not null || request.Password!.Length > AccountRules.PasswordMax)
        {
            throw new ChaosException(ErrorCodes.InvalidCredentials, "Wrong username or password.");
        }

        var nameGrain = grains.GetGrain<IUsernameGrain>(UsernameKey.For(AccountRules.NormalizeUsername(request.Username!)));
        var session = await GrainCalls.RetryAsync(() => nameGrain.LoginAsync(request.Password!), idempotent: true, cancellationToken);
        return TypedResults.Ok(Respond(session, tokens, tags));
    }

    private static async Task<Ok<AuthResponse>> RefreshAsync(
        RefreshRequest request, IGrainFactory grains, AccessTokenIssuer tokens, EdgeTags tags, CancellationToken cancellationToken)
    {
        new RequestValidator().Check("refreshToken", request.RefreshToken is null ? "Refresh token is required." : null).ThrowIfInvalid();
        // A token this cluster did not issue fails its tag before any grain is activated (docs/architecture.md#cheap-checks-before-grains).
        if (!tags.TryUntagRefreshToken(request.RefreshToken, out var grainToken) || !RefreshToken.TryParse(grainToken, out var token))
        {
            throw new ChaosException(ErrorCodes.Unauthorized, "The refresh token is not valid.");
        }

        var user = grains.GetGrain<IUserGrain>(token.Value.UserId);
        // Not idempotent: a rotation that ran but whose answer was lost must not be replayed into reuse detection.
        var session = await GrainCalls.RetryAsync(() => user.RefreshAsync(token.Value.SessionId, token.Value.Secret), idempotent: false, cancellationToken);
        return TypedResults.Ok(Respond(session, tokens, tags));
    }

    private static async Task<NoContent> LogoutAsync(RefreshRequest request, IGrainFactory grains, EdgeTags tags, CancellationToken cancellationToken)
    {
        new RequestValidator().Check("refreshToken", request.RefreshToken is null ? "Refresh token is required." : null).ThrowIfInvalid();
        if (tags.TryUntagRefreshToken(request.RefreshToken, out var grainToken) && RefreshToken.TryParse(grainToken, out var token))
        {
            var user = grains.GetGrain<IUserGrain>(token.Value.UserId);
            await GrainCalls.RetryAsync(() => user.LogoutAsync(token.Value.SessionId, token.Value.Secret), idempotent: true, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static AuthResponse Respond(IssuedSession session, AccessTokenIssuer tokens, EdgeTags tags)
    {
        var (accessToken, expiresAt) = tokens.Issue(session.User, session.SessionId);
        return new AuthResponse(UserDto.Me(session.User), accessToken, tags.TagRefreshToken(session.RefreshToken), expiresAt);
    }
}
