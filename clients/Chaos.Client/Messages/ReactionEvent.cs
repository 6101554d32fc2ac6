namespace Chaos.Client.Messages;

/// <summary>The payload of <c>ReactionAdded</c> and <c>ReactionRemoved</c>.</summary>
public sealed record ReactionEvent(string ChannelId, string MessageId, string UserId, string Emoji);
