using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Gateway;

/// <summary>
/// SignalR's in-memory lifetime manager with bounds on what connections may owe (docs/architecture.md#slow-consumers).
/// Every send serializes its message once and hands it to each recipient without waiting for any of them, so one slow
/// socket delays nobody else. Each connection writes one message at a time; what arrives meanwhile waits in the
/// connection's own queue (a reference to the shared message, not a waiting task per message), counted against the
/// connection until SignalR has taken it. Two bounds apply: a connection that would owe more than
/// <see cref="GatewayOptions.MaxPendingBytes"/> is closed, and when all connections together would owe more than
/// <see cref="GatewayOptions.PendingBytesBudget"/>, the connection whose write has waited longest (the one that has read
/// nothing for the longest time; the one owing most on a tie) is closed first, its queue dropped at once. Both closes say
/// <c>slow_consumer</c>; the client reconnects and fills the gap from history by <c>seq</c>.
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
    private readonly Lock shedGate = new();
    private readonly Dictionary<string, Outbox> connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Group> groups = new(StringComparer.Ordinal);
    private readonly long maxPendingBytes = options.Value.MaxPendingBytes;
    private readonly long pendingBytesBudget = options.Value.PendingBytesBudget;
    private long totalPending;
    private long peakPending;

    /// <summary>Bytes all connections of this front door owe right now (also the <c>chaos.gateway.pending_bytes</c> gauge).</summary>
    public long TotalPendingBytes => Interlocked.Read(ref totalPending);

    /// <summary>The most <see cref="TotalPendingBytes"/> has been since the process started (tests and diagnostics).</summary>
    public long PeakPendingBytes => Interlocked.Read(ref peakPending);

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
                Drop(outbox);
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
            if (connections.TryGetValue(connectionId, out var outbox))
            {
                if (!groups.TryGetValue(groupName, out var members))
                {
                    groups[groupName] = members = new Group(groupName);
                }

                // The group's own copy of its name: the caller built a fresh string, and a connection watching 49
                // co-members' presence would otherwise keep 49 of them (docs/architecture.md#presence). A connection
                // already in the group found it existing, so no empty group is left behind.
                if (outbox.Groups.Add(members.Name))
                {
                    members.Add(outbox);
                }
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
            return connections.TryGetValue(connectionId, out var outbox) ? Volatile.Read(ref outbox.Pending) : 0;
        }
    }

    /// <summary>Hands the message to every recipient, in order, and returns without waiting for any (failures are logged).</summary>
    private Task Send(List<Outbox> recipients, string methodName, object?[] args)
    {
        if (recipients.Count > 0)
        {
            var message = new SerializedHubMessage(new InvocationMessage(methodName, args));
            foreach (var outbox in recipients)
            {
                Write(outbox, message);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Writes at once when the connection is idle, else queues behind its write in flight. One write at a time per
    /// connection keeps the order, so <c>Ready</c> still precedes every event sent after it.
    /// </summary>
    private void Write(Outbox outbox, SerializedHubMessage message)
    {
        if (Volatile.Read(ref outbox.Closing))
        {
            return;
        }

        long size;
        try
        {
            size = message.GetSerializedMessage(outbox.Connection.Protocol).Length;
        }
        catch (Exception exception)
        {
            LogWriteFailed(logger, exception, outbox.Connection.ConnectionId);
            return;
        }

        if (!Reserve(outbox, size))
        {
            return;
        }

        var overBound = false;
        lock (outbox.Sync)
        {
            if (outbox.Closing)
            {
                Interlocked.Add(ref totalPending, -size);
                return;
            }

            if (outbox.Pending + size > maxPendingBytes)
            {
                Interlocked.Add(ref totalPending, -size);
                overBound = true;
            }
            else
            {
                Volatile.Write(ref outbox.Pending, outbox.Pending + size);
                if (outbox.Writing)
                {
                    outbox.Queue.Enqueue(new Queued(message, size));
                    return;
                }

                outbox.Writing = true;
                Volatile.Write(ref outbox.WritingSince, Stopwatch.GetTimestamp());
            }
        }

        if (overBound)
        {
            Close(outbox, "connection");
            return;
        }

        Pump(outbox, message, size);
    }

    /// <summary>
    /// Counts the message against the front door's budget. Over budget, closes the connection that has waited longest
    /// (dropping what it owes) and tries again; false when the writing connection itself was closed. When nothing else
    /// owes anything the message is admitted anyway (the total then passes the budget by that message, one per send running
    /// at that instant).
    /// </summary>
    private bool Reserve(Outbox outbox, long size)
    {
        while (true)
        {
            var total = Interlocked.Read(ref totalPending);
            if (total + size <= pendingBytesBudget || total == 0)
            {
                if (Interlocked.CompareExchange(ref totalPending, total + size, total) != total)
                {
                    continue;
                }

                RaisePeak(total + size);
                return true;
            }

            if (!ShedOne(size))
            {
                RaisePeak(Interlocked.Add(ref totalPending, size));
                return true;
            }

            if (Volatile.Read(ref outbox.Closing))
            {
                return false;
            }
        }
    }

    private void RaisePeak(long total)
    {
        var peak = Interlocked.Read(ref peakPending);
        while (total > peak)
        {
            var seen = Interlocked.CompareExchange(ref peakPending, total, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    /// <summary>Closes the connection whose write has waited longest if adding <paramref name="size"/> would pass the budget; false when there was none to close.</summary>
    private bool ShedOne(long size)
    {
        Outbox? victim = null;
        lock (shedGate)
        {
            if (Interlocked.Read(ref totalPending) + size <= pendingBytesBudget)
            {
                return true;
            }

            lock (gate)
            {
                foreach (var candidate in connections.Values)
                {
                    if (Volatile.Read(ref candidate.Closing) || Volatile.Read(ref candidate.Pending) == 0)
                    {
                        continue;
                    }

                    if (victim is null || Volatile.Read(ref candidate.WritingSince) < Volatile.Read(ref victim.WritingSince)
                        || (candidate.WritingSince == victim.WritingSince && candidate.Pending > victim.Pending))
                    {
                        victim = candidate;
                    }
                }
            }

            if (victim is null)
            {
                return false;
            }

            Drop(victim);
        }

        Close(victim, "budget");
        return true;
    }

    /// <summary>Marks the connection closing, empties its queue and gives back everything it owed (its write in flight too).</summary>
    private void Drop(Outbox outbox)
    {
        lock (outbox.Sync)
        {
            if (outbox.Closing)
            {
                return;
            }

            Volatile.Write(ref outbox.Closing, true);
            Interlocked.Add(ref totalPending, -outbox.Pending);
            Volatile.Write(ref outbox.Pending, 0);
            outbox.Queue.Clear();
        }
    }

    /// <summary>Writes the queue out, one message at a time; continues asynchronously at the first write that does not finish at once.</summary>
    private void Pump(Outbox outbox, SerializedHubMessage message, long size)
    {
        while (true)
        {
            ValueTask write;
            try
            {
                write = outbox.Connection.WriteAsync(message);
            }
            catch (Exception exception)
            {
                LogWriteFailed(logger, exception, outbox.Connection.ConnectionId);
                write = ValueTask.CompletedTask;
            }

            if (!write.IsCompleted)
            {
                _ = PumpAsync(outbox, write, size);
                return;
            }

            try
            {
                write.GetAwaiter().GetResult();   // completed above: surfaces its exception and releases its source, never blocks
            }
            catch (Exception exception)
            {
                LogWriteFailed(logger, exception, outbox.Connection.ConnectionId);
            }

            if (!Next(outbox, size, out message, out size))
            {
                return;
            }
        }
    }

    private async Task PumpAsync(Outbox outbox, ValueTask write, long size)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogWriteFailed(logger, exception, outbox.Connection.ConnectionId);
        }

        // The next write starts on a thread-pool thread, never inline here: this continuation may run inside SignalR's
        // transport pipe (a flush released by its reader), and writing to the connection from there breaks the pipe's
        // one-operation-at-a-time rule ("Concurrent reads or writes are not supported", which aborts the connection).
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Manager.Continue(state.Outbox, state.Size), (Manager: this, Outbox: outbox, Size: size), preferLocal: false);
    }

    private void Continue(Outbox outbox, long done)
    {
        if (Next(outbox, done, out var message, out var size))
        {
            Pump(outbox, message, size);
        }
    }

    /// <summary>The write of <paramref name="done"/> bytes finished: gives them back and takes the next queued message, if any.</summary>
    private bool Next(Outbox outbox, long done, out SerializedHubMessage message, out long size)
    {
        lock (outbox.Sync)
        {
            if (!outbox.Closing)
            {
                Volatile.Write(ref outbox.Pending, outbox.Pending - done);
                Interlocked.Add(ref totalPending, -done);
                if (outbox.Queue.TryDequeue(out var next))
                {
                    Volatile.Write(ref outbox.WritingSince, Stopwatch.GetTimestamp());
                    (message, size) = (next.Message, next.Size);
                    return true;
                }
            }

            outbox.Writing = false;
            (message, size) = (null!, 0);
            return false;
        }
    }

    /// <summary>Stops writing to the connection (what it owed is dropped), sends the close message and cuts it after a grace period.</summary>
    private void Close(Outbox outbox, string bound)
    {
        Drop(outbox);
        if (Interlocked.Exchange(ref outbox.Closed, 1) != 0)
        {
            return;
        }

        LogSlowConsumer(logger, outbox.Connection.ConnectionId, outbox.Connection.User?.FindFirst("sub")?.Value, bound);
        metrics.SlowConsumerClosed(bound);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} of user {UserId} closed as a slow consumer (bound: {Bound})")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId, string? userId, string bound);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Writing to gateway connection {ConnectionId} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string connectionId);

    /// <summary>The connections of one group, under the manager's lock, and the one string of its name they all share.</summary>
    private sealed class Group(string name) : HashSet<Outbox>
    {
        public string Name { get; } = name;
    }

    private readonly record struct Queued(SerializedHubMessage Message, long Size);

    /// <summary>
    /// One connection: what it owes (queued plus the write in flight), its queue, whether a write is in flight and since
    /// when, whether it is being closed (all under <see cref="Sync"/>; read without it to pick a victim), and its group
    /// names (under the manager's lock).
    /// </summary>
    private sealed class Outbox(HubConnectionContext connection)
    {
        public readonly Lock Sync = new();

        public readonly Queue<Queued> Queue = new();

        public long Pending;

        public long WritingSince;

        public bool Writing;

        public bool Closing;

        public int Closed;

        public HubConnectionContext Connection { get; } = connection;

        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);
    }
}
