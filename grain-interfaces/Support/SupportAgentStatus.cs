namespace Chaos.Support;

/// <summary>Written as <c>"available"</c> or <c>"away"</c>: only available agents are routed new conversations.</summary>
public enum SupportAgentStatus
{
    Away = 0,
    Available = 1,
}
