using Chaos.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Chaos.Hosting;

/// <summary>
/// Telemetry of every CHAOS process, front door or dedicated silo: OpenTelemetry metrics on <c>/metrics</c>
/// (Prometheus), and, when an OTLP endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>Chaos:Telemetry:OtlpEndpoint</c>), traces and metrics exported over OTLP: a send is traced from the hub call
/// (SignalR) through the grain calls (Orleans activity propagation) and the commit (Npgsql) to the front doors'
/// deliveries. JSON log lines with trace ids come from configuration alone (<c>Logging:Console:FormatterName=json</c>,
/// <c>Logging:Console:FormatterOptions:IncludeScopes=true</c>): the host tracks TraceId and SpanId in log scopes.
/// </summary>
public static class ChaosTelemetryExtensions
{
    /// <summary>
    /// Meters exported: CHAOS's own, Orleans' (activations, messaging, streams), Npgsql's (commands, pools) and the
    /// runtime's (<c>System.Runtime</c>: GC heap, working set, thread pool).
    /// </summary>
    public static readonly string[] Meters = [ChaosTelemetry.Name, "Microsoft.Orleans", "Npgsql", "System.Runtime"];

    /// <summary>ASP.NET Core's request and routing metrics: a point per route (and method and status), so OpenTelemetry's own limit.</summary>
    private static readonly string[] PerRouteMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Routing"];

    /// <summary>Activity sources traced when an OTLP endpoint is configured.</summary>
    public static readonly string[] Sources =
        [ChaosTelemetry.Name, "Microsoft.AspNetCore.SignalR.Server", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql"];

    public static IHostApplicationBuilder AddChaosTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var otlp = ChaosTelemetry.OtlpEndpoint(builder.Configuration);
        var cardinality = ChaosConfiguration.Read<ChaosTelemetryOptions>(builder.Configuration, ChaosTelemetryOptions.Section).CardinalityLimit;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddMeter(Meters).AddPrometheusExporter()
                    .AddView(instrument => PerRouteMeters.Contains(instrument.Meter.Name) ? null : new MetricStreamConfiguration { CardinalityLimit = cardinality });
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(Sources)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                .AddOtlpExporter(o => o.Endpoint = otlp));
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapChaosMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }
}
