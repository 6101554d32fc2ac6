using System.Diagnostics;

namespace Chaos.Telemetry;

/// <summary>The names CHAOS publishes telemetry under: one meter and one activity source, both "Chaos".</summary>
public static class ChaosTelemetry
{
    public const string Name = "Chaos";

    /// <summary>Spans of CHAOS's own work (group commits, gateway deliveries); hub calls and grain calls have their own sources.</summary>
    public static readonly ActivitySource Source = new(Name);
}
