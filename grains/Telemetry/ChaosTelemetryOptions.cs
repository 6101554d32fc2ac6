using System.ComponentModel.DataAnnotations;

namespace Chaos.Telemetry;

/// <summary>
/// <c>Chaos:Telemetry</c>: where traces and metrics go over OTLP. Empty means the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable decides, and without either only <c>/metrics</c> is served
/// (docs/operations.md#metrics).
/// </summary>
public sealed class ChaosTelemetryOptions
{
    public const string Section = "Chaos:Telemetry";

    /// <summary>An absolute URI such as <c>http://collector:4317</c>.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Distinct tag combinations kept per instrument; measurements with further combinations are aggregated into one
    /// overflow point (<c>otel.metric.overflow</c>). OpenTelemetry's default, 2,000, pre-allocates 140 KB for every
    /// instrument: 29 MB for the ~170 instruments a front door exports, idle or not. ASP.NET Core's request and routing
    /// metrics (a point per route) keep that default; none of the rest comes near 200 (docs/operations.md#memory-and-gc).
    /// </summary>
    [Range(1, 100_000)]
    public int CardinalityLimit { get; set; } = 200;
}
