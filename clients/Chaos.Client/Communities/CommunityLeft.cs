namespace Chaos.Client.Communities;

/// <summary><c>CommunityLeft</c>: the user is no longer a member; <see cref="Reason"/> is <c>left</c>, <c>kicked</c>, <c>banned</c> or <c>deleted</c>.</summary>
public sealed record CommunityLeft(string Id, string Reason);
