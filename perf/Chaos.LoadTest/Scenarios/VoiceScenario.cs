using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Chaos.Audio;
using Chaos.Client.Communities;
using Chaos.Client.Errors;
using Chaos.Client.Gateway;
using Chaos.Client.Voice;

namespace Chaos.LoadTest.Scenarios;

/// <summary>
/// Rooms × participants in voice channels; the first <c>speakers</c> of each room send real Opus (a voiced test tone,
/// 20 ms frames at 50 frames/s); every other participant listens. Latency is receive time minus the speaker's send
/// time of the same (speaker, sequence), so it is what the server (and the local sockets) add.
/// </summary>
internal static class VoiceScenario
{
    public static async Task<bool> RunAsync(Harness harness, ScenarioResult result, int rooms, int participants, int speakers)
    {
        result.Settings["rooms"] = rooms;
        result.Settings["participantsPerRoom"] = participants;
        result.Settings["speakersPerRoom"] = speakers;
        var users = await harness.RegisterAsync(rooms * participants);
        var community = await harness.CommunityAsync(users[0], users);
        var voiceChannels = new List<string> { community.Channels.First(c => c.Type == ChannelType.Voice).Id };
        for (var r = 1; r < rooms; r++)
        {
            voiceChannels.Add((await users[0].CreateChannelAsync(community.Id, $"voice-{r}", ChannelType.Voice)).Id);
        }

        var gateways = await harness.ConnectAsync(users);
        try
        {
            await gateways[0].JoinVoiceAsync(voiceChannels[0]);
        }
        catch (ChaosApiException exception) when (exception.Code == ErrorCodes.Unknown)
        {
            result.Metrics["available"] = false;
            result.Notes.Add("voice is not available on this server (no JoinVoice hub method): " + exception.Detail);
            return false;
        }

        var join = harness.Phase("join voice", users.Length);
        await harness.ForEachAsync(Enumerable.Range(1, users.Length - 1), async i =>
        {
            await gateways[i].JoinVoiceAsync(voiceChannels[i / participants]);
            join.Increment(1);
        });
        join.Value = join.MaxValue;

        var packets = EncodeTone(50);
        var sentAt = new ConcurrentDictionary<(string, long), long>();
        var latency = new LatencyRecorder();
        long received = 0, sent = 0;
        using var stop = new CancellationTokenSource(harness.Settings.Duration + TimeSpan.FromSeconds(30));
        // Per listener and speaker: first and last sequence heard and how many frames, so losses inside a stream are
        // counted exactly, without the edges (a stream that was still being set up, frames in flight at the end).
        var heard = new List<Dictionary<string, (long First, long Last, long Count)>>();
        var listening = Enumerable.Range(0, users.Length).Where(i => i % participants >= speakers).Select(i =>
        {
            var streams = new Dictionary<string, (long First, long Last, long Count)>(StringComparer.Ordinal);
            heard.Add(streams);
            return Task.Run(() => ListenAsync(gateways[i], streams));
        }).ToList();
        async Task ListenAsync(ChaosGateway gateway, Dictionary<string, (long First, long Last, long Count)> streams)
        {
            try
            {
                await foreach (var frame in gateway.ReceiveVoiceAsync(stop.Token))
                {
                    var now = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref received);
                    streams[frame.UserId] = streams.TryGetValue(frame.UserId, out var s)
                        ? (s.First, Math.Max(s.Last, frame.Sequence), s.Count + 1)
                        : (frame.Sequence, frame.Sequence, 1);
                    if (sentAt.TryGetValue((frame.UserId, frame.Sequence), out var at))
                    {
                        latency.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        var speaking = Enumerable.Range(0, users.Length).Where(i => i % participants < speakers).Select(i =>
            gateways[i].SendVoiceAsync(Frames(users[i].UserId!, packets, sentAt, () => Interlocked.Increment(ref sent), harness.Settings.Duration, stop.Token))).ToList();
        await Task.WhenAll(speaking);
        var run = harness.Phase($"voice for {harness.Settings.Duration.TotalSeconds:0} s", 1);
        // Let frames still in flight arrive: stop once nothing came for a second (or after 30 s).
        for (var last = -1L; last != Interlocked.Read(ref received) && !stop.IsCancellationRequested;)
        {
            last = Interlocked.Read(ref received);
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }

        await stop.CancelAsync();
        await Task.WhenAll(listening);
        run.Value = 1;
        var listenersPerRoom = participants - speakers;
        var expected = Interlocked.Read(ref sent) * listenersPerRoom;
        result.Metrics["available"] = true;
        result.Metrics["framesSent"] = sent;
        result.Metrics["framesForwarded"] = received;
        result.Metrics["forwardedPerSecond"] = Math.Round(received / harness.Settings.Duration.TotalSeconds, 1);
        result.Metrics["listenerStreams"] = rooms * listenersPerRoom * speakers;
        result.Metrics["notReceived"] = Math.Max(0, expected - received);
        result.Metrics["dropped"] = heard.SelectMany(h => h.Values).Sum(s => s.Last - s.First + 1 - s.Count);
        result.Metrics["serverAdded"] = latency.Summary();
        return true;
    }

    private static byte[][] EncodeTone(int count)
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Voip);
        var pcm = new short[960];
        var packet = new byte[1275];
        var frames = new byte[count][];
        for (var f = 0; f < count; f++)
        {
            for (var s = 0; s < pcm.Length; s++)
            {
                var t = ((f * 960) + s) / 48000.0;
                // A voiced, wobbling tone: speech-like enough that the encoder does not fall back to silence frames.
                pcm[s] = (short)(8000 * Math.Sin(2 * Math.PI * (180 + (40 * Math.Sin(2 * Math.PI * 3 * t))) * t) * (0.6 + (0.4 * Math.Sin(2 * Math.PI * 4 * t))));
            }

            var length = encoder.Encode(pcm, packet);
            frames[f] = packet[..length];
        }

        return frames;
    }

    private static async IAsyncEnumerable<VoiceFrame> Frames(string userId, byte[][] packets, ConcurrentDictionary<(string, long), long> sentAt, Action counted, TimeSpan duration, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var start = Stopwatch.GetTimestamp();
        for (long n = 0; Stopwatch.GetElapsedTime(start) < duration && !cancellation.IsCancellationRequested; n++)
        {
            var due = TimeSpan.FromMilliseconds(20 * n) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, CancellationToken.None);
            }

            sentAt[(userId, n)] = Stopwatch.GetTimestamp();
            counted();
            yield return new VoiceFrame(n, n * 960, packets[n % packets.Length]);
        }
    }
}
