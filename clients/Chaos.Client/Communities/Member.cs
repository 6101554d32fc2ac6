using Chaos.Client.Accounts;

namespace Chaos.Client.Communities;

public sealed record Member(string CommunityId, User User, string? Nickname, IReadOnlyList<string> RoleIds, DateTimeOffset JoinedAt);
