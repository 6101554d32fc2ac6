namespace Chaos.Support;

/// <summary>One agent's choices: availability, capacity, and where wait alerts go (optional).</summary>
[GenerateSerializer, Alias("chaos.SupportAgentState")]
public sealed class SupportAgentState
{
    [Id(0)]
    public SupportAgentStatus Status { get; set; }

    [Id(1)]
    public int MaxConcurrent { get; set; } = 1;

    /// <summary>When the agent last got a conversation or became available: the routing tie-break (idle longest first).</summary>
    [Id(2)]
    public DateTimeOffset IdleSince { get; set; }

    [Id(3)]
    public string? Email { get; set; }
}
