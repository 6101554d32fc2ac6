namespace Chaos.Communities;

/// <summary>Fields of a channel update; null leaves a field as it is. An empty topic clears it. <see cref="AiExcluded"/> keeps the channel out of every model (docs/api.md#ai-assistance).</summary>
[GenerateSerializer, Immutable, Alias("chaos.ChannelChange")]
public sealed record ChannelChange(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Topic,
    [property: Id(2)] int? Position,
    [property: Id(3)] bool? AiExcluded = null);
