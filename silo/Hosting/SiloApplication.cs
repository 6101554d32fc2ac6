using Chaos.Hosting;
using Chaos.Telemetry;

namespace Chaos.Silo.Hosting;

/// <summary>
/// A dedicated silo: grain capacity without sockets. It joins the cluster through PostgreSQL, so a connection string is
/// required; HTTP serves only health and metrics.
/// </summary>
public static partial class SiloApplication
{
    public static async Task<WebApplication> CreateAsync(string[] args)
    {
        ChaosConfiguration.PollConfigurationFiles();
        var builder = WebApplication.CreateBuilder(args);
        var options = ChaosConfiguration.Read<ChaosOptions>(builder.Configuration, ChaosOptions.Section);
        var storage = ChaosStorage.From(builder.Configuration);
        if (storage.ConnectionString is not { } connectionString)
        {
            throw new InvalidOperationException(
                "A dedicated silo joins a cluster through PostgreSQL: set ConnectionStrings__Chaos. " +
                "For a single process without a database, run the front door instead: dotnet run --project api");
        }

        await DatabaseBootstrap.MigrateAsync(connectionString, CancellationToken.None);
        builder.AddChaosSilo();
        builder.Services.AddChaosHealthChecks();
        builder.AddChaosTelemetry();
        var app = builder.Build();
        app.MapChaosHealth();
        app.MapChaosMetrics();
        LogMode(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chaos"), options.ClusterId, options.SiloPort, options.GatewayPort, storage.Describe());
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CHAOS dedicated silo in cluster '{ClusterId}' (silo port {SiloPort}, gateway port {GatewayPort}); storage: {Storage}")]
    private static partial void LogMode(ILogger logger, string clusterId, int siloPort, int gatewayPort, string storage);
}
