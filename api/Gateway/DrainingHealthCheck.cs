using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chaos.Api.Gateway;

/// <summary>Not ready while the front door drains, so load balancers and Kubernetes stop sending clients to it.</summary>
public sealed class DrainingHealthCheck(GatewayDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy("shutting down") : HealthCheckResult.Healthy());
}
