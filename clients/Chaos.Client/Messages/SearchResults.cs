namespace Chaos.Client.Messages;

/// <summary>Search and mentions answers: messages newest first; page on with the last one's id as <c>before</c>.</summary>
public sealed record SearchResults(IReadOnlyList<Message> Messages);
