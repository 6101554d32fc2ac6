namespace Chaos.Gateway;

/// <summary>The push relay's timing and bounds (docs/architecture.md#push-relay-for-channel-events).</summary>
public static class ChannelRelayRules
{
    /// <summary>How long a Channel grain keeps pushing to a front door that stopped renewing (a dead one drops out).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    /// <summary>How often a front door renews its registrations (a grain that moved to another silo is found again).</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(5);

    /// <summary>A renewal or registration that takes longer fails, so a dead silo is not waited on.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Front doors one channel pushes to; more are refused (they stay on gap fill) to keep the grain bounded.</summary>
    public const int MaxRelays = 256;
}
