using System.Collections.Concurrent;
using Chaos.Client;
using Chaos.Client.Accounts;
using Chaos.Client.Errors;
using Chaos.Client.Gateway;
using Chaos.Client.Messages;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Tests.Client;

/// <summary>The SDK gateway's connection logic without a server: front-door rotation, backoff, giving up, resending.</summary>
public sealed class GatewayReconnectTests
{
    private static readonly Uri A = new("http://a.test/");
    private static readonly Uri B = new("http://b.test/");
    private static readonly Uri C = new("http://c.test/");

    /// <summary>Long enough never to fire unless a test moves the clock that far.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromHours(1);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Start_WithTheFirstFrontDoorRefusing_ConnectsToTheNextOne()
    {
        var rig = new Rig([A, B]);
        rig.Doors.Refuse(A);

        await rig.Connection.StartAsync(CancellationToken.None);

        rig.Doors.Attempts.ShouldBe([A, B]);
        rig.Connection.FrontDoor.ShouldBe(B);
        rig.Connection.IsConnected.ShouldBeTrue();
        rig.Failed.Select(f => f.Door).ShouldBe([A]);
    }

    [Fact]
    public async Task Start_WithEveryFrontDoorRefusing_GivesUpAfterTryingEachOnce()
    {
        var rig = new Rig([A, B]);
        rig.Doors.Refuse(A);
        rig.Doors.Refuse(B);

        var failure = await Should.ThrowAsync<HttpRequestException>(() => rig.Connection.StartAsync(CancellationToken.None));

        failure.Message.ShouldBe("Connection refused");
        rig.Doors.Attempts.ShouldBe([A, B]);
        rig.Connection.IsConnected.ShouldBeFalse();
    }

    [Fact]
    public async Task LostConnection_ReconnectsThroughTheNextFrontDoors_InTurn()
    {
        var rig = new Rig([A, B, C], TimeSpan.Zero);
        await rig.Connection.StartAsync(CancellationToken.None);
        rig.Doors.Refuse(B);
        rig.Doors.Refuse(C);

        await rig.Doors.Current!.CloseAsync(new IOException("gone"));

        await Until(() => rig.Connection.IsConnected && rig.Doors.Attempts.Count == 4, "a reconnect after two refusals");
        rig.Doors.Attempts.ShouldBe([A, B, C, A]);
        rig.Connection.FrontDoor.ShouldBe(A);
        rig.Disconnects.ShouldHaveSingleItem().ShouldBeOfType<IOException>();
        rig.Failed.Select(f => f.Door).ShouldBe([B, C]);
    }

    [Fact]
    public async Task LostConnection_WaitsTheConfiguredDelays_RepeatingTheLastOne()
    {
        var rig = new Rig([A], TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));
        await rig.Connection.StartAsync(CancellationToken.None);
        rig.Doors.Refuse(A, times: 4);

        await rig.Doors.Current!.CloseAsync();
        foreach (var delay in new[] { 100, 200, 200, 200 }.Select(ms => TimeSpan.FromMilliseconds(ms)))
        {
            // Nothing happens until the delay has passed on the clock.
            await Until(() => rig.Clock.Pending.Contains(delay), $"a reconnect wait of {delay.TotalMilliseconds} ms");
            rig.Connection.IsConnected.ShouldBeFalse();
            rig.Clock.Advance(delay);
        }

        await Until(() => rig.Connection.IsConnected, "the reconnect after the last wait");
        rig.Clock.Scheduled.Where(d => d != ConnectTimeout).ShouldBe([.. new[] { 100, 200, 200, 200 }.Select(ms => TimeSpan.FromMilliseconds(ms))]);
        rig.Doors.Attempts.Count.ShouldBe(1 + 5);
    }

    [Fact]
    public async Task Reconnect_RefusedForItsToken_RefreshesTheTokenBeforeTheNextAttempt()
    {
        var rig = new Rig([A, B], TimeSpan.Zero);
        await rig.Connection.StartAsync(CancellationToken.None);
        rig.Doors.RefuseToken(B);

        await rig.Doors.Current!.CloseAsync();

        await Until(() => rig.Connection.IsConnected && rig.Doors.Attempts.Count == 3, "a reconnect after the refused token");
        rig.Refreshes.ShouldBe(1);
        rig.Doors.Attempts.ShouldBe([A, B, A]);
    }

    [Fact]
    public async Task Stop_WhileWaitingToReconnect_EndsReconnecting()
    {
        var rig = new Rig([A], TimeSpan.FromSeconds(5));
        await rig.Connection.StartAsync(CancellationToken.None);
        await rig.Doors.Current!.CloseAsync();
        await Until(() => rig.Clock.Pending.Contains(TimeSpan.FromSeconds(5)), "the reconnect wait");

        var stopping = rig.Connection.StopAsync();
        rig.Clock.Advance(TimeSpan.FromSeconds(5));
        await stopping.WaitAsync(Deadline);

        rig.Doors.Attempts.ShouldBe([A]);
        rig.Connection.IsConnected.ShouldBeFalse();
    }

    [Fact]
    public async Task Send_WhenNoConnectionReturnsBeforeTheRetryTimeout_GivesUp()
    {
        var rig = new Rig([A], TimeSpan.FromHours(2));
        rig.Options.SendRetryTimeout = TimeSpan.FromSeconds(10);
        await rig.Connection.StartAsync(CancellationToken.None);
        await rig.Doors.Current!.CloseAsync();

        var send = rig.Connection.RetryAsync(hub => hub.InvokeAsync<Message>("SendMessage", ["1", "hi", "n"], CancellationToken.None), CancellationToken.None);
        await Until(() => rig.Clock.Pending.Contains(TimeSpan.FromSeconds(10)), "the send waiting for a connection");
        rig.Clock.Advance(TimeSpan.FromSeconds(10));

        await Should.ThrowAsync<TimeoutException>(() => send.WaitAsync(Deadline));
        await Until(() => rig.Clock.Pending.Contains(TimeSpan.FromHours(2)), "the reconnect wait");
        var stopping = rig.Connection.StopAsync();
        rig.Clock.Advance(TimeSpan.FromHours(2));
        await stopping.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Send_RefusedForItsOwnReason_IsNotRetried()
    {
        var rig = new Rig([A], TimeSpan.Zero);
        rig.Doors.Answer = (_, _, _) => Task.FromException<object?>(
            new HubException("An unexpected error occurred invoking 'SendMessage' on the server. HubException: forbidden: not a member"));
        await rig.Connection.StartAsync(CancellationToken.None);

        var failure = await Should.ThrowAsync<ChaosApiException>(() =>
            rig.Connection.RetryAsync(hub => hub.InvokeAsync<Message>("SendMessage", ["1", "hi", "n"], CancellationToken.None), CancellationToken.None));

        failure.Code.ShouldBe("forbidden");
        rig.Doors.Current!.Invocations.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Send_PendingWhenTheServerClosesTheConnection_IsSentAgainWithItsNonceOnTheNextConnection()
    {
        var clock = new ManualClock();
        var doors = new ScriptedFrontDoors();
        var options = new ChaosGatewayOptions { ConnectTimeout = ConnectTimeout };
        options.FrontDoors.Add(A);
        options.FrontDoors.Add(B);
        options.ReconnectDelays.Clear();
        options.ReconnectDelays.Add(TimeSpan.Zero);
        doors.Accepted = hub => _ = hub.RaiseAsync("Ready", new ReadyEvent(null!, [], [], [], [], [], []));
        doors.Answer = async (hub, _, args) =>
        {
            if (hub.Door == A)
            {
                await hub.CloseAsync();
                throw new HubException("The server closed the connection with the following error: going away");
            }

            return Sent((string?)args[2]);
        };
        using var client = new ChaosClient(A);
        await using var gateway = new ChaosGateway(client, options, doors.Connect, clock);
        await gateway.StartAsync();

        var send = gateway.SendMessageAsync("1", "hello");
        await Until(() => clock.Pending.Contains(TimeSpan.FromMilliseconds(50)), "the pause before the second try");
        clock.Advance(TimeSpan.FromMilliseconds(50));
        var message = await send.WaitAsync(Deadline);

        var tries = doors.Connections.SelectMany(c => c.Invocations.Select(i => (c.Door, i.Method, Nonce: (string?)i.Args[2]))).ToList();
        tries.Select(t => t.Door).ShouldBe([A, B]);
        tries.ShouldAllBe(t => t.Method == "SendMessage");
        tries[0].Nonce.ShouldNotBeNullOrEmpty();
        tries[1].Nonce.ShouldBe(tries[0].Nonce);
        message.Nonce.ShouldBe(tries[0].Nonce);
        gateway.FrontDoor.ShouldBe(B);
    }

    [Fact]
    public async Task Reconnected_NamesTheFrontDoorItReconnectedTo()
    {
        var doors = new ScriptedFrontDoors();
        var options = new ChaosGatewayOptions { ConnectTimeout = ConnectTimeout };
        options.FrontDoors.Add(A);
        options.FrontDoors.Add(B);
        options.ReconnectDelays.Clear();
        options.ReconnectDelays.Add(TimeSpan.Zero);
        doors.Accepted = hub => _ = hub.RaiseAsync("Ready", new ReadyEvent(null!, [], [], [], [], [], []));
        using var client = new ChaosClient(A);
        await using var gateway = new ChaosGateway(client, options, doors.Connect, new ManualClock());
        var reconnected = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Reconnected += door => reconnected.TrySetResult(door);
        await gateway.StartAsync();

        await doors.Current!.CloseAsync();

        (await reconnected.Task.WaitAsync(Deadline)).ShouldBe(B);
        gateway.FrontDoor.ShouldBe(B);
    }

    private static Message Sent(string? nonce) =>
        new("2", "1", 1, new User("3", "someone", "Someone", DateTimeOffset.UnixEpoch), "hello", DateTimeOffset.UnixEpoch, null, null, nonce, [], [], 0);

    private static Task Until(Func<bool> condition, string what) =>
        Eventually.ReturnsAsync(() => Task.FromResult(condition()), done => done, Deadline, what);

    /// <summary>A <see cref="GatewayConnection"/> on scripted front doors and a manual clock; each accepted connection is ready at once.</summary>
    private sealed class Rig
    {
        private int refreshes;

        public Rig(Uri[] frontDoors, params TimeSpan[] reconnectDelays)
        {
            Options = new ChaosGatewayOptions { ConnectTimeout = ConnectTimeout };
            Options.ReconnectDelays.Clear();
            foreach (var delay in reconnectDelays)
            {
                Options.ReconnectDelays.Add(delay);
            }

            Connection = new GatewayConnection(Options, frontDoors, Doors.Connect, () =>
            {
                Interlocked.Increment(ref refreshes);
                return Task.CompletedTask;
            }, Clock);
            Connection.ConnectFailed += (door, exception) => Failed.Enqueue((door, exception));
            Connection.Disconnected += exception => Disconnects.Enqueue(exception);
            Doors.Accepted = hub =>
            {
                Connection.ReadyArriving();
                Connection.ReadyHandled(hub);
            };
        }

        public ManualClock Clock { get; } = new();

        public ScriptedFrontDoors Doors { get; } = new();

        public ChaosGatewayOptions Options { get; }

        public GatewayConnection Connection { get; }

        public ConcurrentQueue<(Uri Door, Exception Exception)> Failed { get; } = new();

        public ConcurrentQueue<Exception?> Disconnects { get; } = new();

        public int Refreshes => Volatile.Read(ref refreshes);
    }
}
