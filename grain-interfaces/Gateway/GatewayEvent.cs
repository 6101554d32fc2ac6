using System.Diagnostics;

namespace Chaos.Gateway;

/// <summary>
/// One event on an Orleans stream, published once by the grain that owns it. <see cref="Name"/> is the gateway event
/// name of docs/api.md#events; a <see cref="Payload"/> that is an <see cref="IGatewayControlEvent"/> is for front doors only and is
/// never forwarded to clients.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.GatewayEvent")]
public sealed record GatewayEvent(
    [property: Id(0)] string Name,
    [property: Id(1)] object Payload,
    [property: Id(2)] long? Seq)
{
    /// <summary>
    /// The W3C <c>traceparent</c> of the span that created the event (the grain call publishing it), or null when nothing
    /// was traced. The memory stream does not carry trace context itself; front doors parent their delivery span on this
    /// so a send is one trace from the hub call to every door's delivery (docs/operations.md#health-and-metrics).
    /// </summary>
    [Id(3)]
    public string? TraceParent { get; init; } = CurrentTraceParent();

    /// <summary>An event front doors act on but never forward; named after its type, for logs only.</summary>
    public static GatewayEvent Control(IGatewayControlEvent control)
    {
        ArgumentNullException.ThrowIfNull(control);
        return new(control.GetType().Name, control, null);
    }

    private static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
