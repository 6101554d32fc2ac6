namespace Chaos.Client.Messages;

/// <summary>One emoji's reactions on a message: how many, and whether the reader is among them.</summary>
public sealed record Reaction(string Emoji, int Count, bool Me);
