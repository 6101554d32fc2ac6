namespace Chaos.Api.Gateway;

/// <summary>docs/api.md <c>CommunityLeft {id, reason}</c>: the user stopped being a member; nothing of the community follows it.</summary>
public sealed record CommunityLeftEvent(long Id, string Reason)
{
    public const string Name = "CommunityLeft";

    public const string Deleted = "deleted";

    /// <summary>The reason when the front door found the membership gone without hearing why (docs/architecture.md#access-re-evaluation).</summary>
    public const string Left = "left";
}
