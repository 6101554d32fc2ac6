namespace Chaos.Client.Communities;

/// <summary>A channel overwrite for a role or a member (<see cref="Id"/> is the role's or the user's id).</summary>
public sealed record PermissionOverwrite(string Id, OverwriteType Type, ChaosPermissions Allow, ChaosPermissions Deny);
