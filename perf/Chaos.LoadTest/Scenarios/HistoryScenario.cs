using System.Diagnostics;

namespace Chaos.LoadTest.Scenarios;

/// <summary>Seeds a channel with N messages, then reads random 50-message pages (keyset <c>before</c>) while writers keep sending.</summary>
internal static class HistoryScenario
{
    public static async Task RunAsync(Harness harness, ScenarioResult result, int messages, int readers, int writers, double writeRate)
    {
        result.Settings["messages"] = messages;
        result.Settings["readers"] = readers;
        result.Settings["writers"] = writers;
        result.Settings["writeRatePerWriter"] = writeRate;
        var users = await harness.RegisterAsync(Math.Max(2, Math.Max(readers, writers)));
        var community = await harness.CommunityAsync(users[0], users);
        var channelId = community.Channels.First(c => c.Type == Client.Communities.ChannelType.Text).Id;
        var ids = new string[messages];
        var seed = harness.Phase($"seed {messages} messages", messages);
        await harness.ForEachAsync(Enumerable.Range(0, messages), async i =>
        {
            ids[i] = (await users[i % users.Length].SendMessageAsync(channelId, $"seed {i}")).Id;
            seed.Increment(1);
        }, Math.Max(32, harness.Settings.SetupConcurrency));

        var pages = new LatencyRecorder();
        long written = 0, failed = 0, shortPages = 0;
        var duration = harness.Settings.Duration;
        var phase = harness.Phase($"read pages for {duration.TotalSeconds:0} s", duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        var writing = Enumerable.Range(0, writers).Select(w => Pacer.RunAsync(writeRate, duration, async n =>
        {
            await users[w % users.Length].SendMessageAsync(channelId, Payload.Create(w, n));
            Interlocked.Increment(ref written);
        }, CancellationToken.None));
        var reading = Enumerable.Range(0, readers).Select(r => Pacer.RunAsync(0, duration, async n =>
        {
            var before = ids[Random.Shared.Next(50, messages)];
            var began = Stopwatch.GetTimestamp();
            try
            {
                var page = await users[r % users.Length].GetMessagesAsync(channelId, before: before, limit: 50);
                pages.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                if (page.Count < 50)
                {
                    Interlocked.Increment(ref shortPages);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
            }

            phase.Value = Math.Min(duration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }, CancellationToken.None));
        await Task.WhenAll(writing.Concat(reading));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        phase.Value = phase.MaxValue;
        result.Metrics["pagesRead"] = pages.Count;
        result.Metrics["pagesPerSecond"] = Math.Round(pages.Count / seconds, 1);
        result.Metrics["page"] = pages.Summary();
        result.Metrics["shortPages"] = shortPages;
        result.Metrics["readFailures"] = failed;
        result.Metrics["written"] = written;
    }
}
