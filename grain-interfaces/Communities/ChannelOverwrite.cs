using Chaos.Permissions;

namespace Chaos.Communities;

/// <summary>The overwrite object <c>{id, type, allow, deny}</c> (docs/api.md#channel); <see cref="Id"/> is the role or member it targets.</summary>
[GenerateSerializer, Immutable, Alias("chaos.ChannelOverwrite")]
public sealed record ChannelOverwrite(
    [property: Id(0)] long Id,
    [property: Id(1)] OverwriteType Type,
    [property: Id(2)] Permissions.Permissions Allow,
    [property: Id(3)] Permissions.Permissions Deny)
{
    public PermissionOverwrite ToPermissionOverwrite() => new(Id, Type, Allow, Deny);
}
