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
}
