using System.ComponentModel.DataAnnotations;

namespace Chaos.Presence;

/// <summary><c>Chaos:Presence</c>: idle time, debouncing, the front doors' activity sweep and the small-community bound.</summary>
public sealed class PresenceOptions
{
    public const string Section = "Chaos:Presence";

    /// <summary>Without activity for this long, a user who chose <c>online</c> shows <c>away</c>.</summary>
    [Range(0.001, 365 * 86_400)]
    public double IdleSeconds { get; set; } = 300;

    /// <summary>At most one <c>PresenceUpdated</c> per user per window; the last state of a burst wins.</summary>
    [Range(0, 3_600_000)]
    public double DebounceMilliseconds { get; set; } = 1000;

    /// <summary>
    /// How often a front door passes on activity a Presence grain has not heard of yet — only for users whose idle
    /// <c>away</c> is less than three sweeps off, so an idle connection costs no call — and how often a front door
    /// without a membership view (split mode) re-sends its connections (docs/architecture.md#presence).
    /// </summary>
    [Range(0.001, 3_600)]
    public double ActivitySweepSeconds { get; set; } = 10;

    /// <summary>Communities with at most this many members share presence among all members; bigger ones only with viewers of the member list.</summary>
    [Range(0, 100_000)]
    public int SmallCommunityMaxMembers { get; set; } = 100;

    /// <summary>How many members one <c>StartViewingMembers</c> subscribes to (the first page of the list).</summary>
    [Range(1, 1_000)]
    public int MaxViewedMembers { get; set; } = 100;
}
