using System.Collections.Concurrent;
using System.Diagnostics;
using Chaos.Client.Gateway;

namespace Chaos.LoadTest.Scenarios;

/// <summary>
/// The measuring core of <c>fanout</c> and <c>channels</c>: senders send over their gateways at a rate (or flat out),
/// receivers account every delivery; then it waits for the stragglers and sums up.
/// </summary>
internal static class MessagingRun
{
    public static async Task RunAsync(
        Harness harness,
        ScenarioResult result,
        IReadOnlyList<Receiver> receivers,
        IReadOnlyList<(ChaosGateway Gateway, string ChannelId)> senders,
        IReadOnlyDictionary<string, int> receiversPerChannel,
        double ratePerSender,
        int inflight,
        TimeSpan? drainTimeout = null,
        Func<Task>? beforeDrain = null)
    {
        var acks = new LatencyRecorder();
        var acked = new ConcurrentDictionary<string, (long First, long Last)>();
        long sent = 0, failed = 0;
        var duration = harness.Settings.Duration;
        var phase = harness.Phase($"send for {duration.TotalSeconds:0} s", duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        var deliveriesAtStart = receivers.Sum(r => r.Deliveries);
        using var ticker = new CancellationTokenSource();
        var tick = Task.Run(async () =>
        {
            while (!ticker.IsCancellationRequested)
            {
                phase.Value = Math.Min(duration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
                phase.Description = $"send: {Interlocked.Read(ref sent)} sent, {receivers.Sum(r => r.Deliveries) - deliveriesAtStart} delivered";
                try
                {
                    await Task.Delay(250, ticker.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        var loops = senders.SelectMany((s, index) => Enumerable.Range(0, inflight).Select(lane => Pacer.RunAsync(ratePerSender / inflight, duration, async n =>
        {
            var began = Stopwatch.GetTimestamp();
            try
            {
                var message = await s.Gateway.SendMessageAsync(s.ChannelId, Payload.Create(index, n));
                acks.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                Interlocked.Increment(ref sent);
                acked.AddOrUpdate(s.ChannelId, (message.Seq, message.Seq), (_, r) => (Math.Min(r.First, message.Seq), Math.Max(r.Last, message.Seq)));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
        }, CancellationToken.None))).ToList();
        await Task.WhenAll(loops);
        var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var deliveredInWindow = receivers.Sum(r => r.Deliveries) - deliveriesAtStart;

        if (beforeDrain is not null)
        {
            await beforeDrain();
        }

        // Stragglers: wait (bounded) until every receiver has every acknowledged message of its channels. What is still
        // missing after the bound is reported as lost: with a bound longer than any lag, lost means lost, not late.
        var expected = acked.Sum(a => (a.Value.Last - a.Value.First + 1) * receiversPerChannel.GetValueOrDefault(a.Key));
        var drain = Stopwatch.StartNew();
        var bound = drainTimeout ?? TimeSpan.FromSeconds(10);
        while (receivers.Sum(r => r.Deliveries) - deliveriesAtStart < expected && drain.Elapsed < bound)
        {
            await Task.Delay(50);
        }

        result.Metrics["drainSeconds"] = Math.Round(drain.Elapsed.TotalSeconds, 1);
        result.Metrics["drainBoundSeconds"] = bound.TotalSeconds;

        await ticker.CancelAsync();
        await tick;
        phase.Value = phase.MaxValue;
        var latencies = new LatencyRecorder();
        var crossDoor = new LatencyRecorder();
        foreach (var receiver in receivers)
        {
            latencies.AddRange(receiver.Latencies());
            crossDoor.AddRange(receiver.CrossDoorLatencies());
        }

        var ranges = acked.ToDictionary(a => a.Key, a => a.Value);
        result.Metrics["sent"] = Interlocked.Read(ref sent);
        result.Metrics["sendFailures"] = Interlocked.Read(ref failed);
        result.Metrics["sendsPerSecond"] = Math.Round(Interlocked.Read(ref sent) / sendSeconds, 1);
        result.Metrics["expectedDeliveries"] = expected;
        result.Metrics["deliveries"] = receivers.Sum(r => r.Deliveries) - deliveriesAtStart;
        result.Metrics["deliveriesPerSecond"] = Math.Round(deliveredInWindow / sendSeconds, 1);
        result.Metrics["sendToReceive"] = latencies.Summary();
        if (crossDoor.Count > 0)
        {
            result.Metrics["sendToReceiveCrossDoor"] = crossDoor.Summary();
        }

        result.Metrics["ack"] = acks.Summary();
        result.Metrics["lost"] = receivers.Sum(r => r.Lost(ranges));
        if (receivers.Any(r => r.TracksApplication))
        {
            // "lost" counts what never arrived live on the socket; this, what the application never got even from history.
            result.Metrics["lostAfterGapFill"] = receivers.Sum(r => r.LostAfterGapFill(ranges));
        }

        result.Metrics["duplicated"] = receivers.Sum(r => r.Duplicates);
        result.Metrics["outOfOrder"] = receivers.Sum(r => r.OutOfOrder);
    }
}
