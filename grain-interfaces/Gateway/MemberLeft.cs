namespace Chaos.Gateway;

/// <summary>API.md's <c>MemberLeft</c>; <see cref="Reason"/> is <c>left</c>, <c>kicked</c> or <c>banned</c>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.MemberLeft")]
public sealed record MemberLeft([property: Id(0)] long CommunityId, [property: Id(1)] long UserId, [property: Id(2)] string Reason);
