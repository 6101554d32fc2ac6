namespace Chaos.Client.Communities;

/// <summary>A role; the one whose id equals the community id is <c>@everyone</c>.</summary>
public sealed record Role(string Id, string Name, ChaosPermissions Permissions, int Position, int Color, bool Mentionable);
