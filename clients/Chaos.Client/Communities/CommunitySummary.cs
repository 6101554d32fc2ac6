namespace Chaos.Client.Communities;

/// <summary>The community as an invite preview shows it to someone who is not a member yet.</summary>
public sealed record CommunitySummary(string Id, string Name, string Description, int MemberCount);
