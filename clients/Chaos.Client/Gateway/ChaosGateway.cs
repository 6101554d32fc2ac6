using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Inbox = System.Threading.Channels;
using Chaos.Client.Communities;
using Chaos.Client.Errors;
using Chaos.Client.Json;
using Chaos.Client.Messages;
using Chaos.Client.Relationships;
using Chaos.Client.Voice;
using MessagePack;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chaos.Client.Gateway;

/// <summary>
/// The real-time gateway (SignalR at <c>/gateway</c>) with typed events. It reconnects by itself (stateful reconnect
/// first; a fresh connection, possibly to another front door, when that window has passed), and keeps every channel's
/// messages whole: when a <c>seq</c> jumps, or after a fresh connection, the missed messages are fetched from history and
/// raised as <see cref="MessageCreated"/> in order, each exactly once. Events are raised one at a time, in arrival order,
/// on a background task; a handler that throws is reported through <see cref="HandlerFailed"/> and does not stop the others.
/// </summary>
public sealed partial class ChaosGateway : IAsyncDisposable
{
    private readonly ChaosClient client;
    private readonly ChaosGatewayOptions options;
    private readonly IReadOnlyList<Uri> frontDoors;
    private readonly SequenceTracker tracker = new();
    private readonly Inbox.Channel<Func<Task>> inbox = Inbox.Channel.CreateUnbounded<Func<Task>>(new Inbox.UnboundedChannelOptions { SingleReader = true });
    private readonly Lock sync = new();
    private readonly Task pump;
    private readonly ConcurrentDictionary<Task, HubConnection> sending = new();
    private TaskCompletionSource connected = NewSignal();
    private HubConnection? connection;
    private Task? reconnecting;
    private int frontDoor;
    private bool stopped = true;
    private bool everReady;

    public ChaosGateway(ChaosClient client, ChaosGatewayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
        this.options = options ?? new ChaosGatewayOptions();
        frontDoors = this.options.FrontDoors.Count > 0 ? [.. this.options.FrontDoors] : [client.BaseAddress];
        pump = Task.Run(PumpAsync);
    }

    public event Action<ReadyEvent>? Ready;

    public event Action<Message>? MessageCreated;

    /// <summary>Every <c>MessageCreated</c> exactly as it came off the socket, before duplicate suppression and gap filling (diagnostics, load tests).</summary>
    public event Action<Message>? RawMessageCreated;

    public event Action<Message>? MessageUpdated;

    public event Action<MessageDeleted>? MessageDeleted;

    public event Action<TypingStarted>? TypingStarted;

    public event Action<Presence>? PresenceUpdated;

    public event Action<Relationship>? RelationshipUpdated;

    public event Action<Community>? CommunityUpdated;

    public event Action<CommunityDeleted>? CommunityDeleted;

    public event Action<Member>? MemberJoined;

    public event Action<Member>? MemberUpdated;

    public event Action<MemberLeft>? MemberLeft;

    public event Action<Channel>? ChannelCreated;

    public event Action<Channel>? ChannelUpdated;

    public event Action<EntityDeleted>? ChannelDeleted;

    public event Action<RoleEvent>? RoleCreated;

    public event Action<RoleEvent>? RoleUpdated;

    public event Action<EntityDeleted>? RoleDeleted;

    public event Action<VoiceState>? VoiceStateUpdated;

    public event Action<ReadState>? ReadStateUpdated;

    /// <summary>The front door asked to move (API.md <c>Reconnect</c>); the gateway is already moving to the next front door.</summary>
    public event Action<ReconnectRequest>? ReconnectRequested;

    /// <summary>The connection was lost (the exception says why); the gateway is already reconnecting.</summary>
    public event Action<Exception?>? Disconnected;

    /// <summary>A fresh connection is up, its <c>Ready</c> raised and missed messages filled in.</summary>
    public event Action<Uri>? Reconnected;

    /// <summary>A connection attempt to a front door failed (refused, no <c>Ready</c> in time, ...); the next attempt follows.</summary>
    public event Action<Uri, Exception>? ConnectFailed;

    /// <summary>Missed messages of a channel could not be fetched (e.g. access lost); live events continue.</summary>
    public event Action<string, Exception>? GapFillFailed;

    /// <summary>An event handler threw; the exception and the event's name.</summary>
    public event Action<string, Exception>? HandlerFailed;

    /// <summary>Connected and past <c>Ready</c>.</summary>
    public bool IsConnected
    {
        get
        {
            lock (sync)
            {
                return connected.Task.IsCompletedSuccessfully && connection?.State == HubConnectionState.Connected;
            }
        }
    }

    /// <summary>The front door of the current connection.</summary>
    public Uri? FrontDoor { get; private set; }

    /// <summary>How many messages were raised from history rather than live (gap filling), for diagnostics and load tests.</summary>
    public long FilledFromHistory => Interlocked.Read(ref filledFromHistory);

    private long filledFromHistory;

    /// <summary>Connects (trying each front door once) and returns after <c>Ready</c> has been raised.</summary>
    public async Task StartAsync(CancellationToken cancellation = default)
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

    /// <summary>Closes the connection and stops reconnecting; <see cref="StartAsync"/> may be called again (missed messages are then filled in).</summary>
    public async Task StopAsync()
    {
        HubConnection? current;
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

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        inbox.Writer.TryComplete();
        await pump;
    }

    /// <summary>
    /// Seeds gap detection for a channel, e.g. with the newest message of a history page the application shows, so a
    /// message missed before the first live event of that channel is also filled in.
    /// </summary>
    public void TrackChannel(string channelId, long seq, string messageId) => tracker.Advance(channelId, seq, messageId);

    /// <summary>
    /// Sends through the gateway. A nonce is generated when none is given, and the send is retried with it across
    /// disconnects until <see cref="ChaosGatewayOptions.SendRetryTimeout"/>: the server returns the original for a repeat,
    /// so a retry never creates a duplicate.
    /// </summary>
    public async Task<Message> SendMessageAsync(string channelId, string content, string? nonce = null, CancellationToken cancellation = default)
    {
        nonce ??= Guid.NewGuid().ToString("N");
        var deadline = DateTime.UtcNow + options.SendRetryTimeout;
        var attempt = 0;
        while (true)
        {
            attempt++;
            try
            {
                var hub = await WaitConnectedAsync(deadline, cancellation);
                var call = hub.InvokeAsync<Message>("SendMessage", channelId, content, nonce, cancellation);
                Track(hub, call);
                return await call;
            }
            catch (HubException exception) when (IsConnectionClosed(exception) && DateTime.UtcNow < deadline)
            {
                // The server closed the connection while the call was pending (it failed to set the connection up, or
                // it is going away): not the call's own failure, so the same nonce is tried again on the next connection.
            }
            catch (HubException exception)
            {
                var translated = Translate(exception);
                if (translated.Code is not (ErrorCodes.Unavailable or "internal_error") || DateTime.UtcNow >= deadline)
                {
                    throw translated;
                }
            }
            catch (Exception exception) when (IsTransient(exception, cancellation) && DateTime.UtcNow < deadline)
            {
                // The connection went away mid-call: the message may or may not have been accepted; the same nonce settles it.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * attempt)), cancellation);
        }
    }

    public Task StartTypingAsync(string channelId, CancellationToken cancellation = default) =>
        InvokeAsync(hub => hub.InvokeAsync("StartTyping", channelId, cancellation));

    public Task<ReadState> AckAsync(string channelId, string messageId, CancellationToken cancellation = default) =>
        InvokeAsync(hub => hub.InvokeAsync<ReadState>("Ack", channelId, messageId, cancellation));

    public Task SetPresenceAsync(PresenceStatus status, string? statusMessage = null, CancellationToken cancellation = default) =>
        InvokeAsync(hub => hub.InvokeAsync("SetPresence", status.ToString().ToLowerInvariant(), statusMessage, cancellation));

    /// <summary>Joins a voice channel (leaving any other); answers the participants and the codec to send.</summary>
    public Task<VoiceJoined> JoinVoiceAsync(string channelId, CancellationToken cancellation = default) =>
        InvokeAsync(hub => hub.InvokeAsync<VoiceJoined>("JoinVoice", channelId, cancellation));

    public Task LeaveVoiceAsync(CancellationToken cancellation = default) =>
        InvokeAsync(hub => hub.InvokeAsync("LeaveVoice", cancellation));

    public Task SetVoiceStateAsync(bool selfMute, bool selfDeaf, CancellationToken cancellation = default) =>
        InvokeAsync(hub => hub.InvokeAsync("SetVoiceState", selfMute, selfDeaf, cancellation));

    /// <summary>Streams Opus frames (one 20 ms packet each) to the room; frames are pumped in the background until <paramref name="frames"/> ends.</summary>
    public Task SendVoiceAsync(IAsyncEnumerable<VoiceFrame> frames, CancellationToken cancellation = default) =>
        InvokeAsync(hub => hub.SendAsync("SendVoice", frames, cancellation));

    /// <summary>The other participants' frames of the room this connection is in; fails with <c>not_found</c> outside a room.</summary>
    public async IAsyncEnumerable<ReceivedVoiceFrame> ReceiveVoiceAsync([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var hub = await WaitConnectedAsync(DateTime.UtcNow + options.ConnectTimeout, cancellation);
        var stream = hub.StreamAsync<ReceivedVoiceFrame>("ReceiveVoice", cancellation);
        await using var frames = stream.GetAsyncEnumerator(cancellation);
        while (true)
        {
            try
            {
                if (!await frames.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (HubException exception)
            {
                throw Translate(exception);
            }

            yield return frames.Current;
        }
    }

    /// <summary>Handles a <c>MessageCreated</c> as the pump does: drops repeats, fills a <c>seq</c> jump from history first.</summary>
    internal async Task OnMessageCreatedAsync(Message message)
    {
        if (tracker.TryGet(message.ChannelId, out var seq, out var lastId))
        {
            if (message.Seq <= seq)
            {
                return;
            }

            if (message.Seq > seq + 1 && options.FillGaps)
            {
                await FillWithRetriesAsync(message.ChannelId, message.Seq - 1);
                tracker.TryGet(message.ChannelId, out seq, out _);
                if (message.Seq <= seq)
                {
                    return;
                }
            }
        }

        tracker.Advance(message);
        await Raise(nameof(MessageCreated), MessageCreated, message);
    }

    internal static ChaosApiException Translate(HubException exception)
    {
        // The client sees "An unexpected error occurred invoking 'X' on the server. HubException: code: detail".
        var text = exception.Message;
        var marker = text.IndexOf("HubException: ", StringComparison.Ordinal);
        var body = marker >= 0 ? text[(marker + "HubException: ".Length)..] : text;
        var match = CodePattern().Match(body);
        return match.Success
            ? new ChaosApiException(ErrorCodes.StatusOf(match.Groups[1].Value), match.Groups[1].Value, match.Groups[2].Value)
            : new ChaosApiException(System.Net.HttpStatusCode.InternalServerError, ErrorCodes.Unknown, text);
    }

    [GeneratedRegex("^([a-z_]+): ?(.*)$", RegexOptions.Singleline)]
    private static partial Regex CodePattern();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>SignalR fails calls still pending when the server closes the connection with this HubException.</summary>
    private static bool IsConnectionClosed(HubException exception) =>
        exception.Message.StartsWith("The server closed the connection", StringComparison.Ordinal);

    /// <summary>Remembers a send until it completes, so a move away from its connection can let it finish there first.</summary>
    private void Track(HubConnection hub, Task call)
    {
        if (call.IsCompleted)
        {
            return;
        }

        sending[call] = hub;
        _ = call.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, HubConnection>)state!).TryRemove(done, out _), sending, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static bool IsTransient(Exception exception, CancellationToken cancellation) =>
        !cancellation.IsCancellationRequested && exception is not ChaosApiException and not HubException;

    private async Task InvokeAsync(Func<HubConnection, Task> call)
    {
        var hub = await WaitConnectedAsync(DateTime.UtcNow + options.ConnectTimeout, CancellationToken.None);
        try
        {
            await call(hub);
        }
        catch (HubException exception)
        {
            throw Translate(exception);
        }
    }

    private async Task<T> InvokeAsync<T>(Func<HubConnection, Task<T>> call)
    {
        var hub = await WaitConnectedAsync(DateTime.UtcNow + options.ConnectTimeout, CancellationToken.None);
        try
        {
            return await call(hub);
        }
        catch (HubException exception)
        {
            throw Translate(exception);
        }
    }

    private async Task<HubConnection> WaitConnectedAsync(DateTime deadline, CancellationToken cancellation)
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

                if (connected.Task.IsCompletedSuccessfully && connection is { State: HubConnectionState.Connected } current)
                {
                    return current;
                }

                signal = connected.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException("The gateway did not reconnect in time.");
            }

            try
            {
                await signal.WaitAsync(remaining, cancellation);
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
                    if (connection is { State: HubConnectionState.Connected } ready)
                    {
                        return ready;
                    }
                }

                await Task.Yield();
            }
        }
    }

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

        var hub = Build(door);
        lock (sync)
        {
            if (stopped)
            {
                throw new OperationCanceledException("Stopped.");
            }

            connection = hub;
        }

        try
        {
            // One deadline for the whole attempt: a door that accepts the socket but never answers must not stall reconnecting.
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            attempt.CancelAfter(options.ConnectTimeout);
            await hub.StartAsync(attempt.Token);
            await signal.Task.WaitAsync(attempt.Token);
            FrontDoor = door;
        }
        catch (Exception exception)
        {
            try
            {
                ConnectFailed?.Invoke(door, exception);
            }
            catch (Exception handler)
            {
                HandlerFailed?.Invoke(nameof(ConnectFailed), handler);
            }

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

    private static readonly TimeSpan NegotiateIdleTimeout = TimeSpan.FromSeconds(1);

    private HubConnection Build(Uri door)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(door, "/gateway"), o =>
            {
                o.AccessTokenProvider = () => client.GetAccessTokenAsync();
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = options.SkipNegotiation;
                // The negotiate request's keep-alive connection would otherwise idle beside the WebSocket for minutes:
                // a second socket (and server file descriptor) per gateway connection.
                o.HttpMessageHandlerFactory = _ => new SocketsHttpHandler { PooledConnectionIdleTimeout = NegotiateIdleTimeout };
            })
            .WithStatefulReconnect();
        if (options.Protocol == GatewayProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol(o => o.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(MessagePackMirrorResolver.Instance)
                .WithSecurity(MessagePackSecurity.UntrustedData));
        }
        else
        {
            builder.AddJsonProtocol(o => o.PayloadSerializerOptions = new System.Text.Json.JsonSerializerOptions(ChaosJson.Options));
        }

        var hub = builder.Build();
        hub.On<ReadyEvent>("Ready", ready => Enqueue(() => OnReadyAsync(hub, ready)));
        hub.On<ReconnectRequest>("Reconnect", request => OnReconnectRequested(hub, request));
        hub.On<Message>("MessageCreated", message =>
        {
            RawMessageCreated?.Invoke(message);
            return Enqueue(() => OnMessageCreatedAsync(message));
        });
        hub.On<Message>("MessageUpdated", message => Enqueue(() => Raise(nameof(MessageUpdated), MessageUpdated, message)));
        hub.On<MessageDeleted>("MessageDeleted", deleted => Enqueue(() => Raise(nameof(MessageDeleted), MessageDeleted, deleted)));
        On(hub, "TypingStarted", () => TypingStarted);
        On(hub, "PresenceUpdated", () => PresenceUpdated);
        On(hub, "RelationshipUpdated", () => RelationshipUpdated);
        On(hub, "CommunityUpdated", () => CommunityUpdated);
        On(hub, "CommunityDeleted", () => CommunityDeleted);
        On(hub, "MemberJoined", () => MemberJoined);
        On(hub, "MemberUpdated", () => MemberUpdated);
        On(hub, "MemberLeft", () => MemberLeft);
        On(hub, "ChannelCreated", () => ChannelCreated);
        On(hub, "ChannelUpdated", () => ChannelUpdated);
        hub.On<EntityDeleted>("ChannelDeleted", deleted => Enqueue(() =>
        {
            tracker.Forget(deleted.Id);
            return Raise(nameof(ChannelDeleted), ChannelDeleted, deleted);
        }));
        On(hub, "RoleCreated", () => RoleCreated);
        On(hub, "RoleUpdated", () => RoleUpdated);
        On(hub, "RoleDeleted", () => RoleDeleted);
        On(hub, "VoiceStateUpdated", () => VoiceStateUpdated);
        On(hub, "ReadStateUpdated", () => ReadStateUpdated);
        hub.Closed += exception => OnClosedAsync(hub, exception);
        return hub;
    }

    private void On<T>(HubConnection hub, string name, Func<Action<T>?> handler) =>
        hub.On<T>(name, payload => Enqueue(() => Raise(name, handler(), payload)));

    private Task Enqueue(Func<Task> work)
    {
        inbox.Writer.TryWrite(work);
        return Task.CompletedTask;
    }

    private async Task PumpAsync()
    {
        await foreach (var work in inbox.Reader.ReadAllAsync())
        {
            try
            {
                await work();
            }
            catch (Exception exception)
            {
                HandlerFailed?.Invoke("gateway", exception);
            }
        }
    }

    private Task Raise<T>(string name, Action<T>? handler, T payload)
    {
        if (handler is null)
        {
            return Task.CompletedTask;
        }

        foreach (var single in handler.GetInvocationList().Cast<Action<T>>())
        {
            try
            {
                single(payload);
            }
            catch (Exception exception)
            {
                HandlerFailed?.Invoke(name, exception);
            }
        }

        return Task.CompletedTask;
    }

    private async Task OnReadyAsync(HubConnection hub, ReadyEvent ready)
    {
        bool resumed;
        lock (sync)
        {
            resumed = everReady;
            everReady = true;
        }

        await Raise(nameof(Ready), Ready, ready);
        if (resumed && options.FillGaps)
        {
            // A fresh connection: events between the old one's end and now were never sent to us. History has them.
            foreach (var channelId in tracker.Channels())
            {
                await FillWithRetriesAsync(channelId, untilSeq: null);
            }
        }

        lock (sync)
        {
            if (ReferenceEquals(connection, hub))
            {
                connected.TrySetResult();
            }
        }

        if (resumed && FrontDoor is { } door)
        {
            Reconnected?.Invoke(door);
        }
    }

    /// <summary>
    /// Fills a channel's gap from history, trying again while history is unavailable (its front door restarting, a
    /// failover) for up to <see cref="ChaosGatewayOptions.GapFillTimeout"/>: raising the next message first would leave the
    /// gap unfilled for good. Events wait meanwhile, so order holds. A refusal (access lost) is final at once.
    /// </summary>
    private async Task FillWithRetriesAsync(string channelId, long? untilSeq)
    {
        var deadline = DateTime.UtcNow + options.GapFillTimeout;
        for (var attempt = 1; ; attempt++)
        {
            if (!tracker.TryGet(channelId, out var seq, out var lastId) || (untilSeq is { } until && seq >= until))
            {
                return;
            }

            var failure = await FillAsync(channelId, seq, lastId, untilSeq);
            if (failure is null)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline || failure is ChaosApiException { Status: < System.Net.HttpStatusCode.InternalServerError and not System.Net.HttpStatusCode.TooManyRequests })
            {
                GapFillFailed?.Invoke(channelId, failure);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * attempt)));
        }
    }

    /// <summary>Raises the messages after <paramref name="seq"/> from history; answers the failure that stopped it, if any.</summary>
    private async Task<Exception?> FillAsync(string channelId, long seq, string lastId, long? untilSeq)
    {
        const int page = 100;
        var filled = 0;
        try
        {
            while (filled < options.MaxGapFill)
            {
                var messages = await client.GetMessagesAsync(channelId, after: lastId, limit: page);
                foreach (var message in messages.OrderBy(m => m.Seq))
                {
                    if (message.Seq <= seq)
                    {
                        continue;
                    }

                    if (untilSeq is { } until && message.Seq > until)
                    {
                        return null;
                    }

                    tracker.Advance(message);
                    seq = message.Seq;
                    lastId = message.Id;
                    filled++;
                    Interlocked.Increment(ref filledFromHistory);
                    await Raise(nameof(MessageCreated), MessageCreated, message);
                }

                if (messages.Count < page || (untilSeq is { } last && seq >= last))
                {
                    return null;
                }
            }
        }
        catch (Exception exception)
        {
            return exception;
        }

        return null;
    }

    private Task OnClosedAsync(HubConnection hub, Exception? exception)
    {
        if (TryDetach(hub, () => ReconnectAsync(hub)))
        {
            Disconnected?.Invoke(exception);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops using <paramref name="hub"/> (sends now wait for the next connection) and starts <paramref name="next"/>;
    /// false when it is not the current connection any more (already replaced, or the gateway stopped).
    /// </summary>
    private bool TryDetach(HubConnection hub, Func<Task> next)
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

    /// <summary>
    /// The front door is leaving: from now on sends wait for the next connection, while those already on this one finish
    /// there (the door waits for them before it closes); then the gateway moves on after the door's <c>retryAfterMs</c>.
    /// </summary>
    private Task OnReconnectRequested(HubConnection hub, ReconnectRequest request) =>
        TryDetach(hub, () => MoveAsync(hub, request))
            ? Enqueue(() => Raise(nameof(ReconnectRequested), ReconnectRequested, request))
            : Task.CompletedTask;

    private async Task MoveAsync(HubConnection old, ReconnectRequest request)
    {
        var pending = sending.Where(p => ReferenceEquals(p.Value, old)).Select(p => p.Key).ToList();
        if (pending.Count > 0)
        {
            // Faults are the senders' to handle (they retry with their nonce); here only the wait matters.
            var settled = Task.WhenAll(pending.Select(p => p.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            await Task.WhenAny(settled, Task.Delay(options.ConnectTimeout));
        }

        await ReconnectAsync(old, TimeSpan.FromMilliseconds(Math.Max(0, request.RetryAfterMs)));
    }

    private async Task ReconnectAsync(HubConnection old, TimeSpan? firstDelay = null)
    {
        await old.DisposeAsync();
        for (var attempt = 0; ; attempt++)
        {
            var delay = attempt == 0 && firstDelay is { } first
                ? first
                : options.ReconnectDelays.Count == 0 ? TimeSpan.FromSeconds(1) : options.ReconnectDelays[Math.Min(attempt, options.ReconnectDelays.Count - 1)];
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
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
                if (client.Session is { } session)
                {
                    try
                    {
                        await client.Tokens.RefreshAsync(session.AccessToken, CancellationToken.None);
                    }
                    catch (ChaosApiException)
                    {
                        // The login itself is gone; keep trying in case the caller logs in again.
                    }
                }
            }
            catch (Exception)
            {
                // Front door down or restarting: next attempt, next front door.
            }
        }
    }
}
