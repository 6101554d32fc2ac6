namespace Chaos.Tests.Personal;

/// <summary>
/// Presence with a three-second idle time and a one-second activity sweep, for automatic away: every activity report
/// lands at least one sweep (1 s) before an away it prevents (docs/architecture.md#presence).
/// </summary>
public sealed class IdlePresenceFixture : PresenceFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Chaos:Presence:ActivitySweepSeconds"] = "1",
        ["Chaos:Presence:DebounceMilliseconds"] = "100",
        ["Chaos:Presence:IdleSeconds"] = "3",
    };
}
