namespace Chaos.Tests.Personal;

/// <summary>Presence with a one-second idle time, for automatic away.</summary>
public sealed class IdlePresenceFixture : PresenceFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Chaos:Presence:LeaseSeconds"] = "0.5",
        ["Chaos:Presence:DebounceMilliseconds"] = "100",
        ["Chaos:Presence:IdleSeconds"] = "1",
    };
}
