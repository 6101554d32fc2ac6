using Chaos.Ai;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chaos.Hosting;

/// <summary>
/// The model server on <c>/health/ready</c>: degraded, never unhealthy, when it does not answer, because chat works
/// without it and only AI assistance waits (docs/operations.md#ai-assistance). Answers from the background probe; only
/// before the first probe has finished does it probe itself.
/// </summary>
public sealed class AiHealthCheck(AiStatusMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!monitor.Status.Enabled)
        {
            return HealthCheckResult.Healthy("AI assistance is off (no Chaos:Ai:OllamaUrl).");
        }

        if (!monitor.Probed)
        {
            await monitor.ProbeAsync(cancellationToken);
        }

        return monitor.Status.Reachable
            ? HealthCheckResult.Healthy("The model server answers.")
            : HealthCheckResult.Degraded("The model server does not answer; AI assistance waits for it.");
    }
}
