namespace Chaos.Client.Communities;

/// <summary>Payload of <c>MemberLeft</c>; <see cref="Reason"/> is <c>left</c>, <c>kicked</c> or <c>banned</c>.</summary>
public sealed record MemberLeft(string CommunityId, string UserId, string Reason);
