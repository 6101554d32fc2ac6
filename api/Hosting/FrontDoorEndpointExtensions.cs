using Chaos.Api.Accounts;
using Chaos.Api.Admin;
using Chaos.Api.Ai;
using Chaos.Api.Attachments;
using Chaos.Api.Communities;
using Chaos.Api.E2ee;
using Chaos.Api.Gateway;
using Chaos.Api.Messages;
using Chaos.Api.Support;
using Chaos.Api.Voice;
using Chaos.Hosting;
using Chaos.Telemetry;
using Scalar.AspNetCore;

namespace Chaos.Api.Hosting;

/// <summary>The front door's middleware order and its endpoints.</summary>
public static partial class FrontDoorEndpointExtensions
{
    public static WebApplication UseChaosFrontDoor(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseChaosGatewayDrain();
        // Reconnect storms are refused before the access token is checked and before any grain call (docs/architecture.md#connection-limits).
        GatewayConnectLimit.UseChaosGatewayConnectLimitPerAddress(app);
        app.UseAuthentication();
        GatewayConnectLimit.UseChaosGatewayConnectLimitPerUser(app);
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapChaosFrontDoor(this WebApplication app)
    {
        // Every authenticated route counts against a per-user bucket; anonymous ones are limited per address instead.
        var api = app.MapGroup("/api/v1").AddEndpointFilter(new RateLimits.RateLimitFilter());
        api.MapAuthApi();
        api.MapUsersApi();
        api.MapCommunitiesApi();
        api.MapChannelsApi();
        api.MapInvitesApi();
        api.MapMessagesApi();
        api.MapReactionsApi();
        api.MapSearchApi();
        api.MapChaosPersonal();
        api.MapVoiceApi();
        api.MapVoiceMessagesApi();
        api.MapAiApi();
        api.MapSummariesApi();
        api.MapModerationApi();
        api.MapAttachmentsApi();
        api.MapDevicesApi();
        api.MapMlsApi();
        api.MapSupportApi();

        app.MapChaosGateway();
        app.MapChaosHealth();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("CHAOS API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        app.MapChaosMetrics();
        app.MapChaosAdmin();
        return app;
    }

    public static void LogStartup(this WebApplication app, ChaosStorage storage, ChaosOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chaos");
        var jwt = app.Services.GetRequiredService<Auth.JwtSettings>();
        var mode = options.FrontDoorOnly
            ? "front door joined to the cluster as an Orleans client (split mode)"
            : storage.IsPostgres
                ? $"co-hosted silo in cluster '{options.ClusterId}' (silo port {options.SiloPort}, gateway port {options.GatewayPort})"
                : "standalone: co-hosted silo with localhost clustering";
        LogMode(logger, mode, storage.Describe(), jwt.KeySource);
        var budget = YoungGenerationBudget.Read(GC.GetConfigurationVariables());
        var serverGc = System.Runtime.GCSettings.IsServerGC;
        LogGc(logger, serverGc ? "server" : "workstation", budget is { } b ? $"{b / (1024.0 * 1024):0.#} MiB" : "not reported");
        if (YoungGenerationBudget.IsOversized(budget, serverGc))
        {
            LogOversizedBudget(logger, budget!.Value / (1024 * 1024), YoungGenerationBudget.Variable, YoungGenerationBudget.ToVariableValue(YoungGenerationBudget.RecommendedBytes));
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in app.Urls)
            {
                LogListening(logger, url);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CHAOS mode: {Mode}; storage: {Storage}; JWT signing key: {KeySource}")]
    private static partial void LogMode(ILogger logger, string mode, string storage, string keySource);

    [LoggerMessage(Level = LogLevel.Information, Message = "GC: {Kind}, young generation budget up to {Budget}")]
    private static partial void LogGc(ILogger logger, string kind, string budget);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The GC's young generation may grow to {BudgetMiB} MiB on this machine (the runtime sizes it from the processor cache): more memory held and longer collection pauses under load. Start the process with {Variable}={Value} (hexadecimal, 6 MiB), as the container image and `dotnet run` do (docs/operations.md#memory-and-gc).")]
    private static partial void LogOversizedBudget(ILogger logger, long budgetMiB, string variable, string value);

    [LoggerMessage(Level = LogLevel.Information, Message = "CHAOS is listening on {Url} (API under /api/v1, docs at /docs)")]
    private static partial void LogListening(ILogger logger, string url);
}
