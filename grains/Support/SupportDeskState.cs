namespace Chaos.Support;

/// <summary>
/// What a desk keeps as grain state: its settings and its agents (at most <see cref="SupportRules.MaxAgents"/>). The
/// queue and the assignments are rows of <c>support_conversations</c>, reloaded on activation.
/// </summary>
[GenerateSerializer, Alias("chaos.SupportDeskState")]
public sealed class SupportDeskState
{
    [Id(0)]
    public SupportDeskSettings Settings { get; set; } = SupportDeskSettings.Off;

    [Id(1)]
    public Dictionary<long, SupportAgentState> Agents { get; set; } = [];
}
