namespace Chaos.Communities;

/// <summary>Fields of a role create or update; null leaves a field as it is (or at its default on create).</summary>
[GenerateSerializer, Immutable, Alias("chaos.RoleChange")]
public sealed record RoleChange(
    [property: Id(0)] string? Name,
    [property: Id(1)] Permissions.Permissions? Permissions,
    [property: Id(2)] int? Position,
    [property: Id(3)] int? Color,
    [property: Id(4)] bool? Mentionable);
