namespace Chaos.Gateway;

/// <summary>
/// The front doors whose lease is current, and how long the directory activation answering has existed: a directory
/// younger than <see cref="FrontDoorLease.Duration"/> (it moved after its silo left) may not have heard from every live
/// front door yet, so its absences prove nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.FrontDoorLiveness")]
public sealed record FrontDoorLiveness([property: Id(0)] IReadOnlyList<string> FrontDoorIds, [property: Id(1)] TimeSpan Age);
