using Chaos.Gateway;

namespace Chaos.E2ee;

/// <summary>
/// A welcome on the channel stream, for front doors only: each front door hands <see cref="Message"/> to the local
/// connections of <see cref="RecipientDeviceIds"/> and to nobody else (docs/architecture.md#end-to-end-encryption).
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.MlsWelcomeDelivery")]
public sealed record MlsWelcomeDelivery(
    [property: Id(0)] MlsMessage Message,
    [property: Id(1)] IReadOnlyList<long> RecipientDeviceIds) : IGatewayControlEvent;
