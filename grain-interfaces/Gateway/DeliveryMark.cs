namespace Chaos.Gateway;

/// <summary>
/// A marker one front door publishes on a stream it is subscribed to and waits for (docs/architecture.md#delivery-barrier):
/// streams deliver in order and each event is dispatched before the next, so once the mark is dispatched, everything
/// published on that stream before it has been applied there. Other front doors ignore marks that are not theirs.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.DeliveryMark")]
public sealed record DeliveryMark([property: Id(0)] string FrontDoorId, [property: Id(1)] long Token) : IGatewayControlEvent;
