using Chaos.Client.Accounts;

namespace Chaos.Client.Communities;

public sealed record Ban(User User, string? Reason, DateTimeOffset CreatedAt);
