namespace Chaos.Support;

/// <summary>
/// The routing rule of docs/api.md#support-desk as a pure function: the available agent with the fewest open
/// conversations below their capacity; ties go to the one idle longest, then to the lowest id (so it is deterministic).
/// </summary>
public static class SupportRouter
{
    public static long? Pick(IReadOnlyDictionary<long, SupportAgentState> agents, Func<long, int> openOf)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(openOf);
        long? best = null;
        var bestOpen = int.MaxValue;
        var bestIdle = DateTimeOffset.MaxValue;
        foreach (var (id, agent) in agents)
        {
            var open = openOf(id);
            if (agent.Status != SupportAgentStatus.Available || open >= agent.MaxConcurrent)
            {
                continue;
            }

            if (open < bestOpen || (open == bestOpen && (agent.IdleSince < bestIdle || (agent.IdleSince == bestIdle && id < best))))
            {
                (best, bestOpen, bestIdle) = (id, open, agent.IdleSince);
            }
        }

        return best;
    }
}
