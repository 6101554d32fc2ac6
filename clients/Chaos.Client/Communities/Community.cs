namespace Chaos.Client.Communities;

public sealed record Community(
    string Id,
    string Name,
    string Description,
    string OwnerId,
    DateTimeOffset CreatedAt,
    int MemberCount,
    IReadOnlyList<Role> Roles,
    IReadOnlyList<Channel> Channels);
