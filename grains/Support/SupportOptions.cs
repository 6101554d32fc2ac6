using System.ComponentModel.DataAnnotations;

namespace Chaos.Support;

/// <summary><c>Chaos:Support</c>: the support desk's bounds and timings (docs/operations.md#support-desk).</summary>
public sealed class SupportOptions
{
    public const string Section = "Chaos:Support";

    /// <summary>The most conversations one desk queues; one more is refused with 409 <c>conflict</c>.</summary>
    [Range(1, 10_000)]
    public int MaxQueue { get; set; } = 500;

    /// <summary>How long a guest token is valid.</summary>
    [Range(1, 7 * 24 * 60)]
    public int GuestTokenMinutes { get; set; } = 24 * 60;

    /// <summary>Agents with an e-mail address are alerted when a conversation waited this long with nobody available.</summary>
    [Range(1, 86_400)]
    public int WaitAlertSeconds { get; set; } = 300;

    /// <summary>How often a desk with waiting guests checks for <see cref="WaitAlertSeconds"/>.</summary>
    [Range(1, 3_600)]
    public int WaitAlertCheckSeconds { get; set; } = 15;

    /// <summary>The dashboard's medians and rating average cover conversations started within this many hours.</summary>
    [Range(1, 24 * 365)]
    public int StatsWindowHours { get; set; } = 24;
}
