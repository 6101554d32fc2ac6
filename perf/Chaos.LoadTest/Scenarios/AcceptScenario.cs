using System.Diagnostics;
using Chaos.Client.Gateway;

namespace Chaos.LoadTest.Scenarios;

/// <summary>Durable accepts: S senders over C channels, each with a number of sends in flight, flat out; ack = send → acknowledged Message.</summary>
internal static class AcceptScenario
{
    public static async Task RunAsync(Harness harness, ScenarioResult result, int senders, int channels, int inflight, bool viaRest)
    {
        result.Settings["senders"] = senders;
        result.Settings["channels"] = channels;
        result.Settings["inflightPerSender"] = inflight;
        result.Settings["via"] = viaRest ? "rest" : "gateway";
        var users = await harness.RegisterAsync(senders);
        var community = await harness.CommunityAsync(users[0], users);
        var channelIds = new List<string> { community.Channels.First(c => c.Type == Client.Communities.ChannelType.Text).Id };
        for (var c = 1; c < channels; c++)
        {
            channelIds.Add((await users[0].CreateChannelAsync(community.Id, $"accept-{c}")).Id);
        }

        ChaosGateway[]? gateways = viaRest ? null : await harness.ConnectAsync(users);
        var acks = new LatencyRecorder();
        long accepted = 0, failed = 0;
        var duration = harness.Settings.Duration;
        var phase = harness.Phase($"accept for {duration.TotalSeconds:0} s", duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, senders).SelectMany(s => Enumerable.Range(0, inflight).Select(_ => Pacer.RunAsync(0, duration, async n =>
        {
            var channelId = channelIds[s % channelIds.Count];
            var began = Stopwatch.GetTimestamp();
            try
            {
                if (gateways is null)
                {
                    await users[s].SendMessageAsync(channelId, Payload.Create(s, n));
                }
                else
                {
                    await gateways[s].SendMessageAsync(channelId, Payload.Create(s, n));
                }

                acks.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                Interlocked.Increment(ref accepted);
                phase.Value = Math.Min(duration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
        }, CancellationToken.None))).ToList();
        await Task.WhenAll(loops);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        phase.Value = phase.MaxValue;
        result.Metrics["accepted"] = accepted;
        result.Metrics["failures"] = failed;
        result.Metrics["acceptsPerSecond"] = Math.Round(accepted / seconds, 1);
        result.Metrics["ack"] = acks.Summary();
    }
}
