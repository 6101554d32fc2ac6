using Chaos.Tests.Infrastructure;
using Chaos.Voice;

namespace Chaos.Tests.Voice;

/// <summary>
/// A voice frame lost on its way to a front door (the room's one-way call to the relay dropped on purpose by a silo-side
/// call filter) holds back the frames after it only until the relay's flush releases them (a gap older than
/// <see cref="VoiceRules.StaleGapMilliseconds"/>), not until 64 later frames arrive. The flush loop runs only while
/// some room has frames in sequence at the front door, so the case is run twice: once in a fresh room, and again after
/// every participant left and new ones joined (the loop went idle in between and must wake again).
/// </summary>
public sealed class VoiceRelayGapTests : IAsyncLifetime
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly DroppingFrames dropping = new();
    private ChaosServer? server;

    private ChaosServer Server => server!;

    public async Task InitializeAsync() =>
        server = await ChaosServer.StartAsync(null, configure: builder => builder.Services.AddSingleton<IOutgoingGrainCallFilter>(dropping));

    public async Task DisposeAsync() => await server!.DisposeAsync();

    [Fact]
    public async Task FramesBehindALostOne_AreReleased_InAFreshRoom_AndAgainAfterTheRoomEmptied()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        for (var round = 1; round <= 2; round++)
        {
            await using var talker = await VoiceClient.ConnectAsync(Server, room.Owner);
            await using var listener = await VoiceClient.ConnectAsync(Server, room.Members[0]);
            await talker.JoinAsync(room.Voice);
            await listener.JoinAsync(room.Voice);
            await listener.StartReceivingAsync();

            var frames = OpusSignal.Frames(8, 440);
            await talker.SendAsync(frames[..3], 1, Pace);
            await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(room.Owner.Id)), s => s.Count >= 3, Deadline, $"round {round}: the first three frames");

            var droppedBefore = dropping.Dropped;
            dropping.DropNext();
            await talker.SendAsync(frames[3..], 4, Pace);

            // Frame 4 never arrives; 5 to 8 wait behind it until the gap is stale, then are delivered in order.
            var heard = await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(room.Owner.Id)), s => s.Count >= 7, Deadline, $"round {round}: the frames after the lost one");
            dropping.Dropped.ShouldBe(droppedBefore + 1, $"round {round}: one frame was dropped");
            heard.ShouldBe([1u, 2u, 3u, 5u, 6u, 7u, 8u], $"round {round}: every frame but the lost one, in order, once");
        }
    }

    /// <summary>Drops the next voice frame a room sends to a front door's relay, as a lost one-way message would be.</summary>
    private sealed class DroppingFrames : IOutgoingGrainCallFilter
    {
        private int armed;
        private int dropped;

        public int Dropped => Volatile.Read(ref dropped);

        public void DropNext() => Interlocked.Exchange(ref armed, 1);

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod is { Name: nameof(IVoiceRelay.OnFrameAsync) } method
                && method.DeclaringType == typeof(IVoiceRelay)
                && Interlocked.CompareExchange(ref armed, 0, 1) == 1)
            {
                Interlocked.Increment(ref dropped);
                return Task.CompletedTask;
            }

            return context.Invoke();
        }
    }
}
