namespace Chaos.Client.Communities;

public sealed record CommunityDeleted(string Id);
