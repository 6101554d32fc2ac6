namespace Chaos.E2ee;

/// <summary>How many one-time key packages a device has left, and whether it has a last-resort package.</summary>
[GenerateSerializer, Immutable, Alias("chaos.KeyPackageCount")]
public sealed record KeyPackageCount(
    [property: Id(0)] long DeviceId,
    [property: Id(1)] int Count,
    [property: Id(2)] bool LastResort);
