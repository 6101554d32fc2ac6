namespace Chaos.Communities;

/// <summary>A community role; the one whose id equals the community id is @everyone (position 0).</summary>
[GenerateSerializer, Immutable, Alias("chaos.Role")]
public sealed record Role(
    [property: Id(0)] long Id,
    [property: Id(1)] string Name,
    [property: Id(2)] Permissions.Permissions Permissions,
    [property: Id(3)] int Position,
    [property: Id(4)] int Color,
    [property: Id(5)] bool Mentionable);
