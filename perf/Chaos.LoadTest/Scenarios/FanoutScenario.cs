using Chaos.Client.Gateway;

namespace Chaos.LoadTest.Scenarios;

/// <summary>One channel, M members connected, S of them sending at a total rate R (0: flat out).</summary>
internal static class FanoutScenario
{
    public static async Task RunAsync(Harness harness, ScenarioResult result, int members, int senders, double rate, int inflight)
    {
        result.Settings["members"] = members;
        result.Settings["senders"] = senders;
        result.Settings["rate"] = rate;
        result.Settings["inflightPerSender"] = inflight;
        var users = await harness.RegisterAsync(members);
        var community = await harness.CommunityAsync(users[0], users);
        var channelId = community.Channels.First(c => c.Type == Client.Communities.ChannelType.Text).Id;
        var doors = harness.Settings.Urls.Count;
        var senderDoors = Enumerable.Range(0, senders).Select(i => i % doors).ToArray();
        var receivers = users.Select((_, i) => new Receiver(i % doors, senderDoors)).ToArray();
        var gateways = await harness.ConnectAsync(users, (i, g) => g.RawMessageCreated += receivers[i].OnMessage);
        var sending = gateways.Take(senders).Select(g => (g, channelId)).ToList();
        await MessagingRun.RunAsync(harness, result, receivers, sending, new Dictionary<string, int> { [channelId] = members }, rate / senders, inflight);
    }
}
