namespace Chaos.Accounts;

/// <summary>The User object (docs/api.md#user) as anyone may see it (no status message).</summary>
[GenerateSerializer, Immutable, Alias("chaos.PublicUser")]
public sealed record PublicUser(
    [property: Id(0)] long Id,
    [property: Id(1)] string Username,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] DateTimeOffset CreatedAt);
