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
    /// <summary>An event front doors act on but never forward; named after its type, for logs only.</summary>
    public static GatewayEvent Control(IGatewayControlEvent control)
    {
        ArgumentNullException.ThrowIfNull(control);
        return new(control.GetType().Name, control, null);
    }
}
