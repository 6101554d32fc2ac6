using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Gateway;
using Chaos.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Chaos.Api.Support;

/// <summary>The support desk's front-door services: the guest-token scheme and policy, transcripts, the gateway part.</summary>
public static class SupportFrontDoorExtensions
{
    public static IServiceCollection AddChaosSupportFrontDoor(this IServiceCollection services)
    {
        services.AddSingleton<SupportGuestTokens>();
        services.AddSingleton<SupportTranscripts>();
        services.AddSingleton<SupportGateway>();
        services.AddSingleton<IGatewayConnectionObserver>(sp => sp.GetRequiredService<SupportGateway>());
        services.AddAuthorizationBuilder().AddPolicy(
            SupportApi.GuestOrUserPolicy,
            new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme, SupportGuestTokens.Scheme).RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>
    /// A second JWT scheme that accepts only guest tokens (their own audience). The default scheme does not take them, so
    /// every route that does not name this scheme answers a guest token with 401 <c>unauthorized</c>. Each scheme looks at
    /// a token's audience first (<see cref="BearerTokens.HasAudience"/>) and validates only its own kind.
    /// </summary>
    public static AuthenticationBuilder AddSupportGuestBearer(this AuthenticationBuilder builder, JwtSettings jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        return builder.AddJwtBearer(SupportGuestTokens.Scheme, o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = JwtSettings.Issuer,
                ValidAudience = SupportGuestTokens.Audience,
                IssuerSigningKey = jwt.SigningKey,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            o.Events = new JwtBearerEvents
            {
                // Only a token of the guest audience is validated here: a user's token (every agent request on a support
                // route, every user connecting to the gateway) is left to the user scheme without a failed validation,
                // which would throw once per request (docs/architecture.md#token-schemes).
                OnMessageReceived = context =>
                {
                    if (BearerTokens.Find(context.Request) is { } token && BearerTokens.HasAudience(token, SupportGuestTokens.Audience))
                    {
                        context.Token = token;
                    }
                    else
                    {
                        context.NoResult();
                    }

                    return Task.CompletedTask;
                },
                // The user scheme, challenged first, has already written the 401 problem; this one must not write twice.
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    if (!context.Response.HasStarted)
                    {
                        await Problems.From(new ChaosException(ErrorCodes.Unauthorized, "The access token is not valid or has expired.")).ExecuteAsync(context.HttpContext);
                    }
                },
                OnForbidden = context => context.Response.HasStarted
                    ? Task.CompletedTask
                    : Problems.From(new ChaosException(ErrorCodes.Forbidden, "Not allowed.")).ExecuteAsync(context.HttpContext),
            };
        });
    }
}
