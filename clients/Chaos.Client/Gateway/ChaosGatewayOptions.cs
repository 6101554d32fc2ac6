namespace Chaos.Client.Gateway;

/// <summary>How a <see cref="ChaosGateway"/> connects, reconnects and fills gaps.</summary>
public sealed class ChaosGatewayOptions
{
    public GatewayProtocol Protocol { get; set; } = GatewayProtocol.Json;

    /// <summary>Front doors to use, tried in turn on reconnect; empty means the REST client's base address.</summary>
    public IList<Uri> FrontDoors { get; } = [];

    /// <summary>Waits between reconnect attempts; the last one repeats until <see cref="ChaosGateway.StopAsync"/>.</summary>
    public IList<TimeSpan> ReconnectDelays { get; } = [TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    /// <summary>
    /// How long a send keeps retrying (with the same nonce) across disconnects before it gives up. Longer than one
    /// <see cref="ConnectTimeout"/>: while a cluster fails over, one connect can wait out the server's 30 s call timeout
    /// (a silo that just died) and the next one succeeds; a send made meanwhile must outlast that.
    /// </summary>
    public TimeSpan SendRetryTimeout { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>How long <see cref="ChaosGateway.StartAsync"/> waits for <c>Ready</c>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fetch missed messages from history when a channel's <c>seq</c> jumps or after a reconnect that lost the connection's state.</summary>
    public bool FillGaps { get; set; } = true;

    /// <summary>How long a gap fill keeps trying while history is unavailable before it gives up (<see cref="ChaosGateway.GapFillFailed"/>).</summary>
    public TimeSpan GapFillTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many messages are fetched to fill one gap; older ones are left to the application's own history view.</summary>
    public int MaxGapFill { get; set; } = 5_000;

    /// <summary>
    /// Skip the negotiate round trip: WebSockets only, faster connects, no stateful reconnect (gaps are filled by <c>seq</c>
    /// instead). Set it behind a load balancer without session affinity, such as the Helm chart's Ingress, where the
    /// negotiate request and the WebSocket could reach different front doors (helm/chaos/README.md).
    /// </summary>
    public bool SkipNegotiation { get; set; }
}
