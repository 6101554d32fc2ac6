namespace Chaos.Gateway;

/// <summary>The <c>MemberLeft</c> event (docs/api.md#events); <see cref="Reason"/> is <c>left</c>, <c>kicked</c> or <c>banned</c>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.MemberLeft")]
public sealed record MemberLeft([property: Id(0)] long CommunityId, [property: Id(1)] long UserId, [property: Id(2)] string Reason);
