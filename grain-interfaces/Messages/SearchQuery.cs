namespace Chaos.Messages;

/// <summary>A checked search: <see cref="Terms"/> are lower-case words (docs/api.md#search); the rest narrows it.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SearchQuery")]
public sealed record SearchQuery(
    [property: Id(0)] IReadOnlyList<string> Terms,
    [property: Id(1)] long? AuthorId,
    [property: Id(2)] long? ChannelId,
    [property: Id(3)] long? Before,
    [property: Id(4)] int Limit);
