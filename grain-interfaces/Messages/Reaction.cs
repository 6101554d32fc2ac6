namespace Chaos.Messages;

/// <summary>One emoji's reactions on a message: how many users, and whether the reader is one of them.</summary>
[GenerateSerializer, Immutable, Alias("chaos.Reaction")]
public sealed record Reaction([property: Id(0)] string Emoji, [property: Id(1)] int Count, [property: Id(2)] bool Me);
