namespace Chaos.Client.Gateway;

/// <summary>
/// docs/api.md <c>Reconnect</c>: the front door is about to close the connection (<c>shutdown</c>, <c>rebalance</c>). The gateway
/// lets the sends already on it finish, waits <see cref="RetryAfterMs"/> and moves to the next front door; sends made
/// meanwhile wait for the new connection.
/// </summary>
public sealed record ReconnectRequest(string Reason, int RetryAfterMs);
