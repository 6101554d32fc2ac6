using Chaos.Api.Gateway;
using Chaos.Gateway;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Gateway;

/// <summary>
/// The push relay for channel events (docs/architecture.md#push-relay-for-channel-events) loses nothing when a push is
/// lost: the Channel grain's call to the front door's relay is dropped on purpose (a silo-side outgoing call filter), and
/// the member still receives every message exactly once and in seq order — filled by seq before the next message, or, for
/// a tail no later message reveals, by the relay's lease renewal.
/// </summary>
public sealed class ChannelPushRelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly DroppingRelay dropping = new();
    private readonly List<GatewayClient> clients = [];
    private ChaosServer? server;

    private ChaosServer Server => server!;

    public async Task InitializeAsync() =>
        server = await ChaosServer.StartAsync(null, configure: builder => builder.Services.AddSingleton<IOutgoingGrainCallFilter>(dropping));

    public async Task DisposeAsync()
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        await server!.DisposeAsync();
    }

    [Fact]
    public async Task LostPush_IsFilledBySeq_BeforeTheNextMessage()
    {
        Server.Services.GetRequiredService<GatewayChannelRelay>().Enabled.ShouldBeTrue("push is the default");
        var (owner, memberClient, general) = await MemberListeningAsync();
        var sequencer = Server.Services.GetRequiredService<GatewayChannelSequencer>();
        var filledBefore = sequencer.Filled;

        await GatewayTests.SendAsync(owner, general, "first");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "first");

        dropping.DropNext();
        await GatewayTests.SendAsync(owner, general, "lost on the way");
        await GatewayTests.SendAsync(owner, general, "after");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "after");

        dropping.Dropped.ShouldBe(1, "the push of the middle message was dropped");
        var received = Received(memberClient);
        received.Select(m => m.Content).ShouldBe(["first", "lost on the way", "after"], "exactly once, in order");
        received.Select(m => m.Seq).ShouldBe([received[0].Seq, received[0].Seq + 1, received[0].Seq + 2], "seq order without a gap");
        sequencer.Filled.ShouldBeGreaterThan(filledBefore, "the front door filled the lost message from the channel");
    }

    [Fact]
    public async Task LostPushes_BeyondTheChannelsWindow_AreFilledFromStorage_BeforeTheNextMessage()
    {
        var (owner, memberClient, general) = await MemberListeningAsync();
        var sequencer = Server.Services.GetRequiredService<GatewayChannelSequencer>();
        await GatewayTests.SendAsync(owner, general, "first");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "first");
        var filledBefore = sequencer.Filled;

        // A front door that fell far behind: more pushes lost than the grain keeps in its 200-message window.
        const int lost = 450;
        dropping.DropNext(lost);
        for (var i = 0; i < lost; i++)
        {
            await GatewayTests.SendAsync(owner, general, $"lost {i}");
        }

        await GatewayTests.SendAsync(owner, general, "after");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "after", Deadline);

        dropping.Dropped.ShouldBe(lost);
        var received = Received(memberClient);
        received.Select(m => m.Content).ShouldBe(["first", .. Enumerable.Range(0, lost).Select(i => $"lost {i}"), "after"], "exactly once, in order");
        received.Select(m => m.Seq).ShouldBe(Enumerable.Range(0, lost + 2).Select(i => received[0].Seq + i), "seq order without a gap");
        (sequencer.Filled - filledBefore).ShouldBe(lost, "every lost message was filled by the front door, not left to the client");
    }

    [Fact]
    public async Task LostPushOfTheLastMessage_IsFilledByTheLeaseRenewal()
    {
        var (owner, memberClient, general) = await MemberListeningAsync();
        await GatewayTests.SendAsync(owner, general, "first");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "first");

        dropping.DropNext();
        await GatewayTests.SendAsync(owner, general, "the last one");
        // No later message reveals the gap: the next renewal reports the channel's published seq and the door fills it.
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "the last one", Deadline);

        dropping.Dropped.ShouldBe(1);
        Received(memberClient).Select(m => m.Content).ShouldBe(["first", "the last one"]);
    }

    private async Task<(TestUser Owner, GatewayClient MemberClient, string General)> MemberListeningAsync()
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        await GatewayTests.JoinAsync(owner, member, community);
        var memberClient = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken);
        clients.Add(memberClient);
        return (owner, memberClient, GatewayTests.GeneralChannel(community));
    }

    private static List<(string? Content, long Seq)> Received(GatewayClient client) =>
        [.. client.Payloads("MessageCreated").Select(m => (m.GetProperty("content").GetString(), m.GetProperty("seq").GetInt64()))];

    /// <summary>Drops the next push of a channel's events to a front door, as a lost one-way message would be.</summary>
    private sealed class DroppingRelay : IOutgoingGrainCallFilter
    {
        private int armed;
        private int dropped;

        public int Dropped => Volatile.Read(ref dropped);

        public void DropNext(int count = 1) => Interlocked.Exchange(ref armed, count);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod is { Name: nameof(IChannelRelay.OnChannelEventsAsync) } method
                && method.DeclaringType == typeof(IChannelRelay)
                && context.Request.GetArgument(1) is GatewayEvent[] events
                && events.Any(e => e.Name == GatewayEvents.MessageCreated)
                && Interlocked.Decrement(ref armed) >= 0)
            {
                Interlocked.Increment(ref dropped);
                return Task.CompletedTask;
            }

            return context.Invoke();
        }
    }
}
