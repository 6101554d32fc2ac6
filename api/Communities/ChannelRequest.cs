using Chaos.Communities;

namespace Chaos.Api.Communities;

/// <summary>The body of channel create (name and type required) and update (type must be absent).</summary>
public sealed record ChannelRequest(string? Name, ChannelType? Type, string? Topic, int? Position, bool? AiExcluded = null);
