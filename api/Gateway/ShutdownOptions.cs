namespace Chaos.Api.Gateway;

/// <summary>
/// <c>Chaos:Shutdown</c>: how a front door leaves on SIGTERM. It stops accepting gateway connections, tells its connections
/// to <c>Reconnect</c> (each after a random delay up to <see cref="ReconnectSpreadMilliseconds"/>, so the other doors are
/// not hit all at once), and waits at most <see cref="DrainSeconds"/> for its in-flight sends to be acknowledged and its
/// clients to leave; then the web server stops and the co-hosted silo leaves the cluster. The pod's termination grace
/// period must cover the drain plus <see cref="TimeoutSeconds"/>.
/// </summary>
public sealed class ShutdownOptions
{
    public const string Section = "Chaos:Shutdown";

    public double DrainSeconds { get; set; } = 10;

    public int ReconnectSpreadMilliseconds { get; set; } = 1000;

    /// <summary>The host's shutdown timeout after the drain: web server and silo (grain deactivation, leaving the cluster).</summary>
    public double TimeoutSeconds { get; set; } = 30;
}
