namespace Chaos.Tests.Personal;

/// <summary>Small communities here have at most 30 members, so one of the three communities below is "large".</summary>
public sealed class FanoutPresenceFixture : PresenceFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Chaos:Presence:DebounceMilliseconds"] = "300",
        ["Chaos:Presence:SmallCommunityMaxMembers"] = "30",
    };
}
