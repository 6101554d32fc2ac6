using Chaos.Communities;

namespace Chaos.Api.Communities;

/// <summary>The body of channel create (name and type required) and update (type and e2ee must be absent: a channel is never converted).</summary>
public sealed record ChannelRequest(string? Name, ChannelType? Type, string? Topic, int? Position, bool? AiExcluded = null, bool? E2ee = null);
