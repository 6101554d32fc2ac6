using System.Diagnostics;
using System.Globalization;

namespace Chaos.LoadTest.Scenarios;

/// <summary>
/// What still travels on the Orleans streams, timed: M members of one channel hold gateway connections while E editors
/// each edit a message of their own at r edits/s; every member times each <c>MessageUpdated</c> from the start of its
/// edit request (docs/benchmarks.md). Channel messages ride the push relay; edits, like reactions, typing and presence,
/// ride the channel's stream, so this is the stream path's latency from a REST call to every connection.
/// </summary>
internal static class EditsScenario
{
    public static async Task RunAsync(Harness harness, ScenarioResult result, int memberCount, int editors, double ratePerEditor)
    {
        editors = Math.Clamp(editors, 1, memberCount);
        result.Settings["members"] = memberCount;
        result.Settings["editors"] = editors;
        result.Settings["ratePerEditor"] = ratePerEditor;
        var users = await harness.RegisterAsync(memberCount);
        var community = await harness.CommunityAsync(users[0], users);
        var channelId = community.Channels.First(c => c.Type == Client.Communities.ChannelType.Text).Id;
        var messageIds = new string[editors];
        for (var e = 0; e < editors; e++)
        {
            messageIds[e] = (await users[e].SendMessageAsync(channelId, "edit me")).Id;
        }

        var latency = new LatencyRecorder();
        long received = 0, sent = 0, failed = 0;
        await harness.ConnectAsync(users, (_, g) => g.MessageUpdated += message =>
        {
            // Content: "<editor> <n> <Stopwatch timestamp when the edit request began>" (one process, one clock).
            var parts = message.Content.Split(' ');
            if (parts.Length == 3 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var began))
            {
                latency.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                Interlocked.Increment(ref received);
            }
        });

        var duration = harness.Settings.Duration;
        var phase = harness.Phase($"edit for {duration.TotalSeconds:0} s", duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, editors).Select(e => Pacer.RunAsync(ratePerEditor, duration, async n =>
        {
            try
            {
                await users[e].EditMessageAsync(channelId, messageIds[e], string.Create(CultureInfo.InvariantCulture, $"{e} {n} {Stopwatch.GetTimestamp()}"));
                Interlocked.Increment(ref sent);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
            }

            phase.Value = Math.Min(duration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }, CancellationToken.None)));
        phase.Value = phase.MaxValue;

        // Every acknowledged edit is due at every member; wait for them with a deadline, then count what is missing.
        var expected = Interlocked.Read(ref sent) * memberCount;
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
        while (Interlocked.Read(ref received) < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }

        result.Metrics["editsSent"] = sent;
        result.Metrics["editsFailed"] = failed;
        result.Metrics["updatesExpected"] = expected;
        result.Metrics["updatesReceived"] = Interlocked.Read(ref received);
        result.Metrics["editToReceive"] = latency.Summary();
    }
}
