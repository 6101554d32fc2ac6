using System.ComponentModel.DataAnnotations;

namespace Chaos.Api.Gateway;

/// <summary>
/// <c>Chaos:Gateway</c>: what one user and one connection may cost the gateway (docs/architecture.md#connection-limits).
/// A connection holds at most <see cref="ReconnectBufferBytes"/> of sent but unacknowledged events (stateful reconnect)
/// plus <see cref="MaxPendingBytes"/> of events waiting to be written; past that it is closed as a slow consumer, and so is
/// the connection that has waited longest when all of them together would owe more than <see cref="PendingBytesBudget"/>.
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Chaos:Gateway";

    /// <summary>Gateway connections one user may hold across the cluster; one more is refused (<c>too_many_connections</c>).</summary>
    [Range(1, 100)]
    public int MaxConnectionsPerUser { get; set; } = 10;

    /// <summary>Bytes of events one connection may have waiting to be written; more closes it (<c>slow_consumer</c>).</summary>
    [Range(64 * 1024, 64L * 1024 * 1024)]
    public long MaxPendingBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes of events all gateway connections of this front door may owe together; when a send would pass it, the
    /// connection whose write has waited longest is closed first (<c>slow_consumer</c>) and what it owed dropped.
    /// </summary>
    [Range(64 * 1024, 1024L * 1024 * 1024)]
    public long PendingBytesBudget { get; set; } = 16 * 1024 * 1024;

    /// <summary>SignalR's stateful-reconnect buffer: events kept until the client acknowledges them (about once a second).</summary>
    [Range(64 * 1024, 64L * 1024 * 1024)]
    public long ReconnectBufferBytes { get; set; } = 2 * 1024 * 1024;
}
