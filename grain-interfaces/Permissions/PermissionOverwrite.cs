namespace Chaos.Permissions;

/// <summary>
/// A per-channel adjustment for one role or one member. A bit in both <see cref="Allow"/> and
/// <see cref="Deny"/> ends up allowed, because within one overwrite the deny is applied first (Discord's rule).
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.PermissionOverwrite")]
public sealed record PermissionOverwrite(
    [property: Id(0)] long TargetId,
    [property: Id(1)] OverwriteType Type,
    [property: Id(2)] Permissions Allow,
    [property: Id(3)] Permissions Deny);
