using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Gateway;

/// <summary>
/// SignalR's in-memory lifetime manager with a bound on what one connection may owe (docs/architecture.md#slow-consumers).
/// Every send serializes its message once and starts each recipient's write without waiting for any of them, so one slow
/// socket delays nobody else; each write is counted against its connection until SignalR has handed it on, and a
/// connection whose waiting bytes pass <see cref="GatewayOptions.MaxPendingBytes"/> stops receiving and is closed with
/// <c>slow_consumer</c>. Its client reconnects and fills the gap from history by <c>seq</c>.
/// </summary>
public sealed partial class GatewayLifetimeManager(
    IOptions<GatewayOptions> options,
    Telemetry.GatewayMetrics metrics,
    ILogger<GatewayLifetimeManager> logger,
    ILogger<DefaultHubLifetimeManager<GatewayHub>> baseLogger) : DefaultHubLifetimeManager<GatewayHub>(baseLogger)
{
    /// <summary>How long a slow consumer has to read its close message before its socket is cut.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Outbox> connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Outbox>> groups = new(StringComparer.Ordinal);
    private readonly long maxPendingBytes = options.Value.MaxPendingBytes;

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await base.OnConnectedAsync(connection);
        lock (gate)
        {
            connections[connection.ConnectionId] = new Outbox(connection);
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (gate)
        {
            if (connections.Remove(connection.ConnectionId, out var outbox))
            {
                foreach (var name in outbox.Groups)
                {
                    if (groups.TryGetValue(name, out var members) && members.Remove(outbox) && members.Count == 0)
                    {
                        groups.Remove(name);
                    }
                }
            }
        }

        await base.OnDisconnectedAsync(connection);
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (connections.TryGetValue(connectionId, out var outbox) && outbox.Groups.Add(groupName))
            {
                if (!groups.TryGetValue(groupName, out var members))
                {
                    groups[groupName] = members = [];
                }

                members.Add(outbox);
            }
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (connections.TryGetValue(connectionId, out var outbox) && outbox.Groups.Remove(groupName)
                && groups.TryGetValue(groupName, out var members) && members.Remove(outbox) && members.Count == 0)
            {
                groups.Remove(groupName);
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Select(c => c.Values), methodName, args);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Send(Select(c => c.Values.Where(o => !excludedConnectionIds.Contains(o.Connection.ConnectionId))), methodName, args);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Select(c => c.TryGetValue(connectionId, out var outbox) ? [outbox] : []), methodName, args);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Select(c => connectionIds.Select(c.GetValueOrDefault).OfType<Outbox>()), methodName, args);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Members([groupName]), methodName, args);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Members(groupNames), methodName, args);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Send(Members([groupName]).Where(o => !excludedConnectionIds.Contains(o.Connection.ConnectionId)).ToList(), methodName, args);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Select(c => c.Values.Where(o => o.Connection.UserIdentifier == userId)), methodName, args);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Select(c => c.Values.Where(o => o.Connection.UserIdentifier is { } id && userIds.Contains(id))), methodName, args);

    /// <summary>Bytes waiting to be written to one connection (tests and diagnostics).</summary>
    public long PendingBytes(string connectionId)
    {
        lock (gate)
        {
            return connections.TryGetValue(connectionId, out var outbox) ? Interlocked.Read(ref outbox.Pending) : 0;
        }
    }

    /// <summary>Starts every recipient's write, in order, and returns without waiting for any (failures are logged).</summary>
    private Task Send(List<Outbox> recipients, string methodName, object?[] args)
    {
        if (recipients.Count > 0)
        {
            var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
            foreach (var outbox in recipients)
            {
                _ = Write(outbox, message);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts one write. Writes of one connection keep their order behind its write lock whether or not anyone awaits
    /// them, so <c>Ready</c> still precedes every event sent after it.
    /// </summary>
    private Task Write(Outbox outbox, SerializedHubMessage message)
    {
        if (Volatile.Read(ref outbox.Closing) != 0)
        {
            return Task.CompletedTask;
        }

        long size;
        ValueTask write;
        try
        {
            size = message.GetSerializedMessage(outbox.Connection.Protocol).Length;
            if (Interlocked.Add(ref outbox.Pending, size) > maxPendingBytes)
            {
                Interlocked.Add(ref outbox.Pending, -size);
                CloseSlowConsumer(outbox);
                return Task.CompletedTask;
            }

            write = outbox.Connection.WriteAsync(message);
        }
        catch (Exception exception)
        {
            LogWriteFailed(logger, exception, outbox.Connection.ConnectionId);
            return Task.CompletedTask;
        }

        if (write.IsCompletedSuccessfully)
        {
            Interlocked.Add(ref outbox.Pending, -size);
            return Task.CompletedTask;
        }

        return CompleteAsync(outbox, write, size);
    }

    private async Task CompleteAsync(Outbox outbox, ValueTask write, long size)
    {
        try
        {
            await write;
        }
        catch (Exception exception)
        {
            LogWriteFailed(logger, exception, outbox.Connection.ConnectionId);
        }
        finally
        {
            Interlocked.Add(ref outbox.Pending, -size);
        }
    }

    /// <summary>Stops writing to the connection, queues the close message behind what it already owes, and cuts it after a grace period.</summary>
    private void CloseSlowConsumer(Outbox outbox)
    {
        if (Interlocked.Exchange(ref outbox.Closing, 1) != 0)
        {
            return;
        }

        LogSlowConsumer(logger, outbox.Connection.ConnectionId, outbox.Connection.User?.FindFirst("sub")?.Value, maxPendingBytes);
        metrics.SlowConsumerClosed();
        _ = CloseAsync(outbox.Connection);
    }

    private static async Task CloseAsync(HubConnectionContext connection)
    {
        try
        {
            var close = connection.WriteAsync(new CloseMessage("slow_consumer: the connection did not read what it was sent.", allowReconnect: true)).AsTask();
            await Task.WhenAny(close, Task.Delay(CloseGrace, connection.ConnectionAborted));
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Gone already.
        }
        finally
        {
            connection.Abort();
        }
    }

    private List<Outbox> Select(Func<Dictionary<string, Outbox>, IEnumerable<Outbox>> pick)
    {
        lock (gate)
        {
            return [.. pick(connections)];
        }
    }

    private List<Outbox> Members(IReadOnlyList<string> groupNames)
    {
        lock (gate)
        {
            if (groupNames.Count == 1)
            {
                return groups.TryGetValue(groupNames[0], out var members) ? [.. members] : [];
            }

            var all = new HashSet<Outbox>();
            foreach (var name in groupNames)
            {
                if (groups.TryGetValue(name, out var members))
                {
                    all.UnionWith(members);
                }
            }

            return [.. all];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} of user {UserId} closed as a slow consumer: more than {MaxPendingBytes} bytes waiting")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId, string? userId, long maxPendingBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Writing to gateway connection {ConnectionId} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string connectionId);

    /// <summary>One connection: bytes of its writes in flight, whether it is being closed, its group names (under the manager's lock).</summary>
    private sealed class Outbox(HubConnectionContext connection)
    {
        public long Pending;

        public int Closing;

        public HubConnectionContext Connection { get; } = connection;

        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);
    }
}
