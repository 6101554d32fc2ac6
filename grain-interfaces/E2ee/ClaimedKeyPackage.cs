namespace Chaos.E2ee;

/// <summary>One key package handed out by a claim: never handed out again, unless it is its device's last resort.</summary>
[GenerateSerializer, Immutable, Alias("chaos.ClaimedKeyPackage")]
public sealed record ClaimedKeyPackage(
    [property: Id(0)] long DeviceId,
    [property: Id(1)] byte[] KeyPackage);
