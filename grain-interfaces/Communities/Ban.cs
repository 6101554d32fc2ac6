using Chaos.Accounts;

namespace Chaos.Communities;

[GenerateSerializer, Immutable, Alias("chaos.Ban")]
public sealed record Ban(
    [property: Id(0)] PublicUser User,
    [property: Id(1)] string? Reason,
    [property: Id(2)] DateTimeOffset CreatedAt);
