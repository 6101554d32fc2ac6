namespace Chaos.Gateway;

[GenerateSerializer, Immutable, Alias("chaos.CommunityDeleted")]
public sealed record CommunityDeleted([property: Id(0)] long Id);
