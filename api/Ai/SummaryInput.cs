using Chaos.Messages;

namespace Chaos.Api.Ai;

/// <summary>What one summary is made of: the messages the caller may read, oldest first (at most 500).</summary>
public sealed record SummaryInput(long ChannelId, IReadOnlyList<Message> Messages);
