using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Gateway;

/// <summary>
/// Graceful shutdown of the gateway (docs/api.md `Reconnect`; docs/operations.md, graceful shutdown). When the door starts
/// leaving it refuses new gateway connections and reports not ready, sends <c>Reconnect</c> to every connection, then
/// waits — bounded by <see cref="ShutdownOptions.DrainSeconds"/> — until no send is in flight and the clients have left.
/// Only then does SignalR close what is left and the host stop the web server and the silo, whose grains move to the
/// other silos.
/// <para>
/// Nothing blocks a thread for it. SignalR closes every connection from its <c>ApplicationStopping</c> callback, so the
/// drain must end before that token fires: a host stop runs it in <see cref="StoppingAsync"/>, which the host awaits
/// before it signals <c>ApplicationStopping</c>; a signal (SIGTERM, SIGINT) runs it in <see cref="DrainingHostLifetime"/>,
/// which stops the application only once it is done.
/// </para>
/// </summary>
public sealed partial class GatewayDrain(
    IHubContext<GatewayHub> hub,
    GatewayConnectionRegistry registry,
    IOptions<ShutdownOptions> options,
    ILogger<GatewayDrain> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly Lock gate = new();
    private int inFlight;
    private volatile bool draining;
    private Task? drain;

    /// <summary>True from the moment the door started leaving: no new gateway connections, not ready.</summary>
    public bool IsDraining => draining;

    /// <summary>Sends accepted by this door whose acknowledgement has not been returned yet.</summary>
    public int InFlight
    {
        get
        {
            lock (gate)
            {
                return inFlight;
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A host stop drains before <c>ApplicationStopping</c> fires (a signal has drained already: this waits for it).</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => DrainAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Counts a send from its arrival until its acknowledgement is handed to SignalR.</summary>
    public async ValueTask<object?> TrackAsync(Func<ValueTask<object?>> send)
    {
        lock (gate)
        {
            inFlight++;
        }

        try
        {
            return await send();
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
            }
        }
    }

    /// <summary>A crash, not a shutdown (in-process kill in tests): the stop that follows closes everything at once.</summary>
    internal void Abandon()
    {
        lock (gate)
        {
            draining = true;
        }
    }

    /// <summary>Runs the drain once; later calls (a second signal, the host stop after a signal) get the same drain.</summary>
    public Task DrainAsync()
    {
        lock (gate)
        {
            if (!draining)
            {
                draining = true;
                drain = Task.Run(RunDrainAsync);
            }

            // Abandoned (a crash): nothing to wait for.
            return drain ?? Task.CompletedTask;
        }
    }

    private async Task RunDrainAsync()
    {
        var settings = options.Value;
        var clock = Stopwatch.StartNew();
        var ids = registry.ConnectionIds();
        LogDraining(logger, ids.Count, InFlight);
        await Task.WhenAll(ids.Select(SendReconnectAsync));
        var deadline = TimeSpan.FromSeconds(Math.Max(0, settings.DrainSeconds));
        using var timer = new PeriodicTimer(Poll);
        while (clock.Elapsed < deadline && (InFlight > 0 || registry.Count > 0))
        {
            await timer.WaitForNextTickAsync();
        }

        LogDrained(logger, clock.Elapsed.TotalMilliseconds, registry.Count, InFlight);
    }

    private async Task SendReconnectAsync(string connectionId)
    {
        var spread = Math.Max(0, options.Value.ReconnectSpreadMilliseconds);
        try
        {
            await hub.Clients.Client(connectionId).SendAsync(ReconnectEvent.Name, new ReconnectEvent(ReconnectEvent.Shutdown, Random.Shared.Next(spread + 1)));
        }
        catch (Exception exception)
        {
            // The connection is already going; it reconnects by itself.
            LogReconnectFailed(logger, exception, connectionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: refusing new gateway connections, sending Reconnect to {Connections} connections ({InFlight} sends in flight)")]
    private static partial void LogDraining(ILogger logger, int connections, int inFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway drained in {Milliseconds:0} ms: {Connections} connections left, {InFlight} sends in flight; stopping the web server and the silo")]
    private static partial void LogDrained(ILogger logger, double milliseconds, int connections, int inFlight);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconnect to {ConnectionId} not sent")]
    private static partial void LogReconnectFailed(ILogger logger, Exception exception, string connectionId);
}
