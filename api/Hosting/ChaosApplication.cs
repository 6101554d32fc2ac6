using Chaos.Hosting;

namespace Chaos.Api.Hosting;

/// <summary>
/// Builds the front door in any hosting mode. Migrations run before Orleans starts, because Orleans' own ADO.NET
/// providers read their queries from the database at start-up.
/// </summary>
public static class ChaosApplication
{
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ChaosConfiguration.PollConfigurationFiles();
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var options = ChaosConfiguration.Read<ChaosOptions>(builder.Configuration, ChaosOptions.Section);
        var storage = ChaosStorage.From(builder.Configuration);
        if (storage.ConnectionString is { } connectionString)
        {
            await DatabaseBootstrap.MigrateAsync(connectionString, CancellationToken.None);
        }

        if (options.FrontDoorOnly)
        {
            builder.AddChaosClusterClient();
        }
        else
        {
            builder.AddChaosSilo();
        }

        await builder.AddChaosFrontDoorAsync(storage);
        builder.AddChaosWebClient();
        var app = builder.Build();
        app.UseSupportWidgetCors();
        app.UseChaosWebClient();
        app.UseChaosFrontDoor();
        app.MapChaosFrontDoor();
        app.MapChaosWebClient();
        app.LogStartup(storage, options);
        return app;
    }
}
