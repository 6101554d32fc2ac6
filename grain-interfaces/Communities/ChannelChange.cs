namespace Chaos.Communities;

/// <summary>Fields of a channel update; null leaves a field as it is. An empty topic clears it.</summary>
[GenerateSerializer, Immutable, Alias("chaos.ChannelChange")]
public sealed record ChannelChange(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Topic,
    [property: Id(2)] int? Position);
