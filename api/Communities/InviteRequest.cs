namespace Chaos.Api.Communities;

public sealed record InviteRequest(int? MaxUses, int? MaxAgeSeconds);
