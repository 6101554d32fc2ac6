using System.Diagnostics;

namespace Chaos.LoadTest.Scenarios;

/// <summary>N authenticated gateway connections held idle after Ready; connect rate and server memory per connection.</summary>
internal static class ConnectionsScenario
{
    public static async Task RunAsync(Harness harness, ScenarioResult result, int connections, int userCount, int concurrency)
    {
        userCount = Math.Clamp(userCount, 1, connections);
        result.Settings["connections"] = connections;
        result.Settings["users"] = userCount;
        result.Settings["connectConcurrency"] = concurrency;
        var users = await harness.RegisterAsync(userCount);
        GC.Collect();
        var before = ServerMemory.ResidentBytes(harness.Settings.ServerPids);
        var owners = Enumerable.Range(0, connections).Select(i => users[i % userCount]).ToArray();
        var start = Stopwatch.GetTimestamp();
        var gateways = await harness.ConnectAsync(owners, concurrency: concurrency);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        result.Metrics["connected"] = gateways.Count(g => g.IsConnected);
        result.Metrics["connectsPerSecond"] = Math.Round(connections / seconds, 1);
        var hold = harness.Phase($"hold idle for {harness.Settings.Duration.TotalSeconds:0} s", harness.Settings.Duration.TotalSeconds);
        var held = Stopwatch.StartNew();
        while (held.Elapsed < harness.Settings.Duration)
        {
            await Task.Delay(500);
            hold.Value = Math.Min(hold.MaxValue, held.Elapsed.TotalSeconds);
        }

        var after = ServerMemory.ResidentBytes(harness.Settings.ServerPids);
        result.Metrics["stillConnected"] = gateways.Count(g => g.IsConnected);
        if (before is { } b && after is { } a)
        {
            result.Metrics["serverRssBeforeMiB"] = Math.Round(b / 1048576.0, 1);
            result.Metrics["serverRssAfterMiB"] = Math.Round(a / 1048576.0, 1);
            result.Metrics["serverBytesPerConnection"] = Math.Round((a - b) / (double)connections);
        }
        else
        {
            result.Notes.Add("server memory not measured: pass --server-pid for each front-door process on this machine");
        }

    }
}
