namespace Chaos.Permissions;

/// <summary>
/// The slice of a community role that permission math needs. The role whose <see cref="Id"/> equals the
/// community id is @everyone and sits at position 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.RoleInfo")]
public sealed record RoleInfo(
    [property: Id(0)] long Id,
    [property: Id(1)] int Position,
    [property: Id(2)] Permissions Permissions);
