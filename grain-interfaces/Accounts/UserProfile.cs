namespace Chaos.Accounts;

[GenerateSerializer, Immutable, Alias("chaos.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] long Id,
    [property: Id(1)] string Username,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string StatusMessage);
