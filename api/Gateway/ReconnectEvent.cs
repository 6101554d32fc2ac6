namespace Chaos.Api.Gateway;

/// <summary>docs/api.md <c>Reconnect</c>: the front door is about to close this connection; reconnect (anywhere) after <c>retryAfterMs</c>.</summary>
public sealed record ReconnectEvent(string Reason, int RetryAfterMs)
{
    public const string Name = "Reconnect";

    public const string Shutdown = "shutdown";
}
