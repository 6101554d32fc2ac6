using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Chaos.Hosting;

/// <summary>OpenTelemetry metrics (CHAOS's own meter, Orleans, Npgsql, ASP.NET Core) scraped by Prometheus at <c>/metrics</c>.</summary>
public static class ChaosMetricsExtensions
{
    /// <summary>The meter every CHAOS component reports under.</summary>
    public const string Meter = "Chaos";

    public static IServiceCollection AddChaosMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(Meter, "Microsoft.Orleans", "Npgsql")
            .AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapChaosMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return endpoints;
    }
}
