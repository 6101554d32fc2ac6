namespace Chaos.Messages;

/// <summary>The answer of search and of the mentions inbox: messages newest first (docs/api.md#search).</summary>
[GenerateSerializer, Immutable, Alias("chaos.SearchResults")]
public sealed record SearchResults([property: Id(0)] IReadOnlyList<Message> Messages);
