using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Chaos.Api.Admin;
using Chaos.Api.Attachments;
using Chaos.Api.Auth;
using Chaos.Api.Blobs;
using Chaos.Api.E2ee;
using Chaos.Api.Errors;
using Chaos.Api.Gateway;
using Chaos.Api.Json;
using Chaos.Api.RateLimits;
using Chaos.Api.Support;
using Chaos.Api.Voice;
using Chaos.Errors;
using Chaos.Hosting;
using Chaos.Telemetry;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chaos.Api.Hosting;

/// <summary>The front door's services: JSON rules, problem details, JWT auth, OpenAPI, health and metrics.</summary>
public static class FrontDoorServiceExtensions
{
    /// <summary>docs/api.md#limits: JSON bodies are at most 1 MiB (uploads raise it per route).</summary>
    public const long MaxJsonBodyBytes = 1024 * 1024;

    public static async Task<WebApplicationBuilder> AddChaosFrontDoorAsync(this WebApplicationBuilder builder, ChaosStorage storage)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // The front door's own sections (the core ones come with the silo or cluster client). Kestrel's limits and the
        // JWT key are wired before the container exists, so those two are also read at once, with the same validation.
        services.AddChaosOptions<FrontDoorOptions>(configuration, FrontDoorOptions.Section);
        services.AddChaosOptions<JwtOptions>(configuration, JwtOptions.Section);
        services.AddChaosOptions<BlobOptions>(configuration, BlobOptions.Section);
        services.AddChaosOptions<Gateway.GatewayOptions>(configuration, Gateway.GatewayOptions.Section);
        services.AddChaosOptions<AttachmentOptions>(configuration, AttachmentOptions.Section);
        var frontDoor = ChaosConfiguration.Read<FrontDoorOptions>(configuration, FrontDoorOptions.Section);
        var jwtOptions = ChaosConfiguration.Read<JwtOptions>(configuration, JwtOptions.Section);

        var maxConnections = ConnectionLimit.Resolve(frontDoor);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (maxConnections is { } total)
            {
                (kestrel.Limits.MaxConcurrentConnections, kestrel.Limits.MaxConcurrentUpgradedConnections) = ConnectionLimit.Split(total);
            }

            kestrel.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
        });

        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var code = Problems.CodeOfStatus(status);
                context.ProblemDetails.Extensions["code"] = code;
                context.ProblemDetails.Title ??= Problems.TitleOf(code);
            }

            context.ProblemDetails.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<ChaosExceptionHandler>();

        var jwt = await ResolveJwtAsync(jwtOptions, storage);
        services.AddSingleton(jwt);
        // The secret behind refresh-token and invite-code tags: shared through PostgreSQL apart from the JWT key, so
        // rotating that key ends no login and no invite (docs/architecture.md#cheap-checks-before-grains).
        var edgeSecret = storage.ConnectionString is { } edgeStore
            ? Convert.FromBase64String(await DatabaseBootstrap.GetOrCreateSecretAsync(edgeStore, "edge-tag-key", 32, CancellationToken.None))
            : jwt.SigningKey.Key;
        services.AddSingleton(new EdgeTags(edgeSecret));
        services.AddSingleton<AccessTokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = JwtSettings.Issuer,
                ValidAudience = JwtSettings.Audience,
                IssuerSigningKey = jwt.SigningKey,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = JwtRegisteredClaimNames.PreferredUsername,
            };
            o.Events = new JwtBearerEvents
            {
                // SignalR sends the token as a query parameter on WebSockets (docs/api.md#connecting). A support guest's
                // token (its own audience) is the guest scheme's alone: this scheme does not validate it, so it neither
                // throws nor counts a failure for it (docs/architecture.md#token-schemes).
                OnMessageReceived = context =>
                {
                    if (BearerTokens.Find(context.Request) is { } token)
                    {
                        if (BearerTokens.HasAudience(token, SupportGuestTokens.Audience))
                        {
                            context.NoResult();
                        }
                        else
                        {
                            context.Token = token;
                        }
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    context.Principal = SlimPrincipal.From(context.Principal!, context.Scheme.Name, context.Options.TokenValidationParameters.NameClaimType);
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var detail = context.AuthenticateFailure is null && BearerTokens.Find(context.Request) is null
                        ? "An access token is required."
                        : "The access token is not valid or has expired.";
                    await Problems.From(new ChaosException(ErrorCodes.Unauthorized, detail)).ExecuteAsync(context.HttpContext);
                },
                OnForbidden = context => Problems.From(new ChaosException(ErrorCodes.Forbidden, "Not allowed.")).ExecuteAsync(context.HttpContext),
            };
        }).AddSupportGuestBearer(jwt);
        services.AddAuthorization();
        services.AddChaosSupportFrontDoor();
        services.AddChaosAdmin(configuration);

        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CHAOS API";
            document.Info.Version = "v1";
            document.Info.Description = "Community Hub for Audio-Oriented Socialization: the public REST contract (docs/api.md in the repository).";
            return Task.CompletedTask;
        }));
        services.AddSingleton<ClientAddresses>();
        services.AddSingleton<RateLimiter>();
        services.AddChaosHealthChecks();
        services.AddChaosGateway();
        services.AddChaosPersonal();
        services.AddChaosVoice();
        services.AddChaosE2ee();
        services.AddSingleton<Ai.ChannelSummarizer>();
        services.AddSingleton<Ai.VoiceTranscriber>();
        services.AddHostedService(sp => sp.GetRequiredService<Ai.VoiceTranscriber>());
        services.AddSingleton<Gateway.IGatewayEventHandler, Ai.ModerationQueuedDelivery>();
        services.AddChaosAttachments();
        builder.AddChaosTelemetry();
        return builder;
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 32;
        options.Converters.Add(new Int64StringConverter());
        options.Converters.Add(new PermissionsStringConverter());
        options.Converters.Add(new StrictEnumConverterFactory());
    }

    private static async Task<JwtSettings> ResolveJwtAsync(JwtOptions options, ChaosStorage storage)
    {
        var lifetime = TimeSpan.FromMinutes(options.AccessTokenMinutes);
        if (options.HasSigningKey)
        {
            // JwtOptions has already refused a key shorter than HMAC-SHA256 needs.
            return new JwtSettings(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(options.SigningKey!)), lifetime, "configured (Chaos:Jwt:SigningKey)");
        }

        if (storage.ConnectionString is { } connectionString)
        {
            var shared = await DatabaseBootstrap.GetOrCreateSecretAsync(connectionString, "jwt-signing-key", 64, CancellationToken.None);
            return new JwtSettings(new SymmetricSecurityKey(Convert.FromBase64String(shared)), lifetime, "generated once and shared through PostgreSQL (set Chaos:Jwt:SigningKey to choose one)");
        }

        return new JwtSettings(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)), lifetime, "generated for this process (tokens end with it; set Chaos:Jwt:SigningKey to keep them)");
    }
}
