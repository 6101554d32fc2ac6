using System.Collections.Concurrent;
using Chaos.Client.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Client.Gateway;

/// <summary>
/// One live hub connection at a time, rotating through the front doors: connects and waits for <c>Ready</c>, reconnects
/// with the configured backoff when the connection is lost (a fresh connection, the next front door each attempt), and
/// retries calls that are safe to repeat across those reconnects. A front door that asks the client to move
/// (<c>Reconnect</c>) is left once the sends already on it have finished.
/// </summary>
internal sealed class GatewayConnection
{
    private readonly ChaosGatewayOptions options;
    private readonly IReadOnlyList<Uri> frontDoors;
    private readonly Func<Uri, IGatewayHubConnection> create;
    private readonly Func<Task> refreshToken;
    private readonly TimeProvider time;
    private readonly Lock sync = new();
    private readonly ConcurrentDictionary<Task, IGatewayHubConnection> sending = new();
    private TaskCompletionSource connected = NewSignal();
    private IGatewayHubConnection? connection;
    private Uri? connectionDoor;
    private Task? reconnecting;
    private int frontDoor;
    private bool stopped = true;
    private bool everReady;

    /// <param name="options">Timeouts, reconnect delays and the send retry window.</param>
    /// <param name="frontDoors">Tried in this order, round and round.</param>
    /// <param name="create">Builds an unstarted connection to a front door, its event handlers already attached.</param>
    /// <param name="refreshToken">Rotates the access token after the server refused it on a reconnect.</param>
    /// <param name="time">The clock of every wait and deadline here (tests move it by hand).</param>
    public GatewayConnection(
        ChaosGatewayOptions options,
        IReadOnlyList<Uri> frontDoors,
        Func<Uri, IGatewayHubConnection> create,
        Func<Task> refreshToken,
        TimeProvider time)
    {
        if (frontDoors.Count == 0)
        {
            throw new ArgumentException("At least one front door is needed.", nameof(frontDoors));
        }

        this.options = options;
        this.frontDoors = frontDoors;
        this.create = create;
        this.refreshToken = refreshToken;
        this.time = time;
    }

    /// <summary>The connection was lost; reconnecting has already begun.</summary>
    public event Action<Exception?>? Disconnected;

    /// <summary>An attempt to connect to a front door failed; the next attempt follows.</summary>
    public event Action<Uri, Exception>? ConnectFailed;

    /// <summary>Connected and past <c>Ready</c>.</summary>
    public bool IsConnected
    {
        get
        {
            lock (sync)
            {
                return connected.Task.IsCompletedSuccessfully && connection is { IsConnected: true };
            }
        }
    }

    /// <summary>The front door of the current connection.</summary>
    public Uri? FrontDoor { get; private set; }

    /// <summary>Now, on the clock this connection's deadlines use.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Connects, trying each front door once, and returns once <see cref="ReadyHandled"/> was called for it.</summary>
    public async Task StartAsync(CancellationToken cancellation)
    {
        lock (sync)
        {
            stopped = false;
        }

        Exception? last = null;
        for (var attempt = 0; attempt < frontDoors.Count; attempt++)
        {
            try
            {
                await ConnectAsync(cancellation);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellation.IsCancellationRequested)
            {
                last = exception;
            }
        }

        throw last!;
    }

    /// <summary>Closes the connection and stops reconnecting; <see cref="StartAsync"/> may be called again.</summary>
    public async Task StopAsync()
    {
        IGatewayHubConnection? current;
        Task? pending;
        lock (sync)
        {
            stopped = true;
            current = connection;
            connection = null;
            pending = reconnecting;
            if (connected.Task.IsCompleted)
            {
                connected = NewSignal();
            }
        }

        if (current is not null)
        {
            await current.DisposeAsync();
        }

        if (pending is not null)
        {
            await pending;
        }
    }

    /// <summary>A <c>Ready</c> is being handled: true when an earlier connection was ready before (its state is lost).</summary>
    public bool ReadyArriving()
    {
        lock (sync)
        {
            var resumed = everReady;
            everReady = true;
            return resumed;
        }
    }

    /// <summary><c>Ready</c> of <paramref name="hub"/> has been raised (and gaps filled): calls waiting for a connection proceed.</summary>
    public void ReadyHandled(IGatewayHubConnection hub)
    {
        lock (sync)
        {
            if (ReferenceEquals(connection, hub))
            {
                // Before anyone hears of the new connection (Reconnected names this door).
                FrontDoor = connectionDoor;
                connected.TrySetResult();
            }
        }
    }

    /// <summary>Waits for a ready connection (up to <see cref="ChaosGatewayOptions.ConnectTimeout"/>) and makes one call.</summary>
    public async Task<T> InvokeAsync<T>(Func<IGatewayHubConnection, Task<T>> call, CancellationToken cancellation = default)
    {
        var hub = await WaitConnectedAsync(Now + options.ConnectTimeout, cancellation);
        try
        {
            return await call(hub);
        }
        catch (HubException exception)
        {
            throw HubErrors.Translate(exception);
        }
    }

    public Task InvokeAsync(Func<IGatewayHubConnection, Task> call, CancellationToken cancellation = default) =>
        InvokeAsync(async hub =>
        {
            await call(hub);
            return true;
        }, cancellation);

    /// <summary>
    /// Makes a call that is safe to repeat (a send carrying its nonce) until it succeeds, fails for its own reasons, or
    /// <see cref="ChaosGatewayOptions.SendRetryTimeout"/> passes: a connection lost mid-call, a connection the server
    /// closed while the call was pending, or a transient server error all lead to another try on the next connection.
    /// </summary>
    public async Task<T> RetryAsync<T>(Func<IGatewayHubConnection, Task<T>> call, CancellationToken cancellation)
    {
        var deadline = time.GetUtcNow() + options.SendRetryTimeout;
        var attempt = 0;
        while (true)
        {
            attempt++;
            try
            {
                var hub = await WaitConnectedAsync(deadline, cancellation);
                var pending = call(hub);
                Track(hub, pending);
                return await pending;
            }
            catch (HubException exception) when (HubErrors.IsConnectionClosed(exception) && time.GetUtcNow() < deadline)
            {
                // The server closed the connection while the call was pending (it failed to set the connection up, or
                // it is going away): not the call's own failure, so the same nonce is tried again on the next connection.
            }
            catch (HubException exception)
            {
                var translated = HubErrors.Translate(exception);
                if (translated.Code is not (ErrorCodes.Unavailable or "internal_error") || time.GetUtcNow() >= deadline)
                {
                    throw translated;
                }
            }
            catch (Exception exception) when (IsTransient(exception, cancellation) && time.GetUtcNow() < deadline)
            {
                // The connection went away mid-call: the message may or may not have been accepted; the same nonce settles it.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * attempt)), time, cancellation);
        }
    }

    /// <summary>The current connection once it is past <c>Ready</c>; waits for a reconnect until <paramref name="deadline"/>.</summary>
    public async Task<IGatewayHubConnection> WaitConnectedAsync(DateTimeOffset deadline, CancellationToken cancellation)
    {
        while (true)
        {
            Task signal;
            lock (sync)
            {
                if (stopped)
                {
                    throw new InvalidOperationException("The gateway is not started.");
                }

                if (connected.Task.IsCompletedSuccessfully && connection is { IsConnected: true } current)
                {
                    return current;
                }

                signal = connected.Task;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException("The gateway did not reconnect in time.");
            }

            try
            {
                await signal.WaitAsync(remaining, time, cancellation);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("The gateway did not reconnect in time.");
            }

            if (signal.IsCompletedSuccessfully)
            {
                // Connected; loop to re-check the state (it may have dropped again already).
                lock (sync)
                {
                    if (connection is { IsConnected: true } ready)
                    {
                        return ready;
                    }
                }

                await Task.Yield();
            }
        }
    }

    /// <summary>
    /// The front door is leaving (<c>Reconnect</c>): from now on calls wait for the next connection, while the sends
    /// already on this one finish there (the door waits for them before it closes); then the gateway moves on after
    /// <paramref name="retryAfter"/>. False when <paramref name="hub"/> is not the current connection any more.
    /// </summary>
    public bool RequestReconnect(IGatewayHubConnection hub, TimeSpan retryAfter) =>
        TryDetach(hub, () => MoveAsync(hub, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool IsTransient(Exception exception, CancellationToken cancellation) =>
        !cancellation.IsCancellationRequested && exception is not ChaosApiException and not HubException;

    private async Task ConnectAsync(CancellationToken cancellation)
    {
        Uri door;
        TaskCompletionSource signal;
        lock (sync)
        {
            door = frontDoors[frontDoor % frontDoors.Count];
            frontDoor++;
            if (connected.Task.IsCompleted)
            {
                connected = NewSignal();
            }

            signal = connected;
        }

        var hub = create(door);
        hub.OnClosed(exception => OnClosedAsync(hub, exception));
        lock (sync)
        {
            if (stopped)
            {
                throw new OperationCanceledException("Stopped.");
            }

            connection = hub;
            connectionDoor = door;
        }

        try
        {
            // One deadline for the whole attempt: a door that accepts the socket but never answers must not stall reconnecting.
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
            await hub.StartAsync(attempt.Token);
            await signal.Task.WaitAsync(attempt.Token);
            FrontDoor = door;
        }
        catch (Exception exception)
        {
            ConnectFailed?.Invoke(door, exception);
            lock (sync)
            {
                if (ReferenceEquals(connection, hub))
                {
                    connection = null;
                }
            }

            await hub.DisposeAsync();
            throw;
        }
    }

    /// <summary>Remembers a send until it completes, so a move away from its connection can let it finish there first.</summary>
    private void Track(IGatewayHubConnection hub, Task call)
    {
        if (call.IsCompleted)
        {
            return;
        }

        sending[call] = hub;
        _ = call.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, IGatewayHubConnection>)state!).TryRemove(done, out _), sending, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Task OnClosedAsync(IGatewayHubConnection hub, Exception? exception)
    {
        if (TryDetach(hub, () => ReconnectAsync(hub)))
        {
            Disconnected?.Invoke(exception);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops using <paramref name="hub"/> (calls now wait for the next connection) and starts <paramref name="next"/>;
    /// false when it is not the current connection any more (already replaced, or the gateway stopped).
    /// </summary>
    private bool TryDetach(IGatewayHubConnection hub, Func<Task> next)
    {
        lock (sync)
        {
            if (stopped || !ReferenceEquals(connection, hub))
            {
                return false;
            }

            connection = null;
            if (connected.Task.IsCompleted)
            {
                connected = NewSignal();
            }

            reconnecting = Task.Run(next);
            return true;
        }
    }

    private async Task MoveAsync(IGatewayHubConnection old, TimeSpan retryAfter)
    {
        var pending = sending.Where(p => ReferenceEquals(p.Value, old)).Select(p => p.Key).ToList();
        if (pending.Count > 0)
        {
            // Faults are the senders' to handle (they retry with their nonce); here only the wait matters.
            var settled = Task.WhenAll(pending.Select(p => p.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            await Task.WhenAny(settled, Task.Delay(options.ConnectTimeout, time));
        }

        await ReconnectAsync(old, retryAfter);
    }

    private async Task ReconnectAsync(IGatewayHubConnection old, TimeSpan? firstDelay = null)
    {
        await old.DisposeAsync();
        for (var attempt = 0; ; attempt++)
        {
            var delay = attempt == 0 && firstDelay is { } first
                ? first
                : options.ReconnectDelays.Count == 0 ? TimeSpan.FromSeconds(1) : options.ReconnectDelays[Math.Min(attempt, options.ReconnectDelays.Count - 1)];
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time);
            }

            lock (sync)
            {
                if (stopped)
                {
                    return;
                }
            }

            try
            {
                await ConnectAsync(CancellationToken.None);
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized })
            {
                // The token was refused although it had not expired (e.g. a new signing key): rotate before the next try.
                await refreshToken();
            }
            catch (Exception)
            {
                // Front door down or restarting: next attempt, next front door.
            }
        }
    }
}
