namespace Chaos.Gateway;

/// <summary>
/// One event on an Orleans stream, published once by the grain that owns it. <see cref="Name"/> is the gateway event
/// name of API.md (or an internal name starting with <c>_</c>, which front doors act on but never forward).
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.GatewayEvent")]
public sealed record GatewayEvent(
    [property: Id(0)] string Name,
    [property: Id(1)] object Payload,
    [property: Id(2)] long? Seq);
