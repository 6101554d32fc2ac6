using System.Diagnostics;
using Chaos.Tests.Infrastructure;
using Chaos.Voice;
using Xunit.Abstractions;

namespace Chaos.Tests.Voice;

/// <summary>
/// Killing the silo that hosts a VoiceRoom grain mid-call. Three co-hosted front doors (ChaosServer) on one database:
/// the room is activated on the third, the participants talk through the first two, and the third is killed with
/// <see cref="ChaosServer.KillAsync"/> (ungraceful silo stop, no hand-off; the others must detect the death).
/// </summary>
[Collection(RealTimeVoiceTests.Name)]
public sealed class VoiceFailoverTests(ITestOutputHelper output)
{
    /// <summary>The stated bound: membership declares the dead silo (6–8 s measured), then relays re-register every 2 s.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KillingTheSiloHostingTheRoom_MidCall_FramesFlowAgainWithinTheBound()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var a = await ChaosServer.StartAsync(connectionString);
        await using var b = await ChaosServer.StartAsync(connectionString);
        var c = await ChaosServer.StartAsync(connectionString);
        var killed = false;
        try
        {
            var room = await VoiceTestCommunity.CreateAsync(a, members: 2);
            var channelId = long.Parse(room.Voice, System.Globalization.CultureInfo.InvariantCulture);

            // Activate the room on C (it prefers the caller's silo), then check where it lives.
            var fromC = c.Services.GetRequiredService<IGrainFactory>();
            await fromC.GetGrain<IVoiceRoomGrain>(channelId).GetParticipantsAsync();
            var management = a.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var host = await management.GetActivationAddress(fromC.GetGrain<IVoiceRoomGrain>(channelId));
            var cSilo = c.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            host.ShouldBe(cSilo, "the room must start on the silo that will be killed");

            await using var first = await VoiceClient.ConnectAsync(a, room.Owner);
            await using var second = await VoiceClient.ConnectAsync(b, room.Members[0], messagePack: true);
            await using var third = await VoiceClient.ConnectAsync(b, room.Members[1]);
            var clients = new[] { first, second, third };
            foreach (var client in clients)
            {
                await client.JoinAsync(room.Voice);
                await client.StartReceivingAsync();
            }

            (await management.GetActivationAddress(fromC.GetGrain<IVoiceRoomGrain>(channelId))).ShouldBe(cSilo);

            using var stop = new CancellationTokenSource();
            var frames = OpusSignal.Frames(3000, 300);
            var sending = clients.Select(client => client.SendAsync(frames, 1, TimeSpan.FromMilliseconds(20), cancellationToken: stop.Token)).ToList();
            await AllHearAsync(clients, since: 1, TimeSpan.FromSeconds(20));

            var at = new Dictionary<string, uint>();
            foreach (var client in clients)
            {
                at[client.User.Id] = client.LastSent;
            }

            var clock = Stopwatch.StartNew();
            await c.KillAsync();
            killed = true;

            // Frames sent after the kill (with a margin for what was already in flight) reach every other listener.
            await AllHearAsync(clients, since: at.Values.Max() + 10, RecoveryBound);
            var recovered = clock.Elapsed;
            output.WriteLine($"frames flowed again between all three participants {recovered.TotalSeconds:0.0} s after the room's silo was killed");
            await stop.CancelAsync();
            await Task.WhenAll(sending);

            (await management.GetActivationAddress(a.Services.GetRequiredService<IGrainFactory>().GetGrain<IVoiceRoomGrain>(channelId))).ShouldNotBe(cSilo);
            // The room's participants came back from the front doors' refreshes (the directory may briefly still point at
            // a second activation while membership settles, hence eventually).
            var expected = clients.Select(x => x.User.Id).Order().ToList();
            await Eventually.ReturnsAsync(
                async () => (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).Order().ToList(),
                p => p.SequenceEqual(expected),
                TimeSpan.FromSeconds(20),
                "the front doors to have rebuilt the room");
            foreach (var listener in clients)
            {
                foreach (var speaker in clients.Where(s => s != listener))
                {
                    var heard = listener.SequencesFrom(speaker.User.Id);
                    heard.ShouldBe(heard.Order().ToList(), "frames stay in order across the failover");
                }
            }
        }
        finally
        {
            if (!killed)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static async Task AllHearAsync(VoiceClient[] clients, uint since, TimeSpan timeout)
    {
        foreach (var listener in clients)
        {
            foreach (var speaker in clients.Where(s => s != listener))
            {
                await Eventually.ReturnsAsync(
                    () => Task.FromResult(listener.SequencesFrom(speaker.User.Id).Count(s => s >= since)),
                    n => n >= 10,
                    timeout,
                    $"{listener.User.Username} to hear {speaker.User.Username} from frame {since}");
            }
        }
    }
}
