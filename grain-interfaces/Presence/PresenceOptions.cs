namespace Chaos.Presence;

/// <summary><c>Chaos:Presence</c>: idle time, debouncing, the front-door lease and the small-community bound.</summary>
public sealed class PresenceOptions
{
    public const string Section = "Chaos:Presence";

    /// <summary>Without activity for this long, a user who chose <c>online</c> shows <c>away</c>.</summary>
    public double IdleSeconds { get; set; } = 300;

    /// <summary>At most one <c>PresenceUpdated</c> per user per window; the last state of a burst wins.</summary>
    public double DebounceMilliseconds { get; set; } = 1000;

    /// <summary>Front doors re-register their connections this often; a front door silent for 3 leases is presumed dead.</summary>
    public double LeaseSeconds { get; set; } = 10;

    /// <summary>Communities with at most this many members share presence among all members; bigger ones only with viewers of the member list.</summary>
    public int SmallCommunityMaxMembers { get; set; } = 100;

    /// <summary>How many members one <c>StartViewingMembers</c> subscribes to (the first page of the list).</summary>
    public int MaxViewedMembers { get; set; } = 100;
}
