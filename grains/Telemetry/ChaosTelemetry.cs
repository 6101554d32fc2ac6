using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Chaos.Telemetry;

/// <summary>The names CHAOS publishes telemetry under: one meter and one activity source, both "Chaos".</summary>
public static class ChaosTelemetry
{
    public const string Name = "Chaos";

    /// <summary>Spans of CHAOS's own work (group commits, gateway deliveries); hub calls and grain calls have their own sources.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>The OTLP endpoint, or null when none is configured (then nothing is exported but /metrics).</summary>
    public static Uri? OtlpEndpoint(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration["Chaos:Telemetry:OtlpEndpoint"] is { Length: > 0 } configured ? configured : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
    }
}
