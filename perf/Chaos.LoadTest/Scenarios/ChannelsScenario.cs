using Chaos.Client.Communities;
using Chaos.Client.Gateway;

namespace Chaos.LoadTest.Scenarios;

/// <summary>
/// C channels of k members each (in as few communities as the 500-channel bound allows, every user a member of each;
/// each channel hidden from @everyone and opened to its k members by member overwrites), one sender per channel at r
/// messages/s. Users are shared between channels when --users is smaller than C × k.
/// </summary>
internal static class ChannelsScenario
{
    public static async Task RunAsync(Harness harness, ScenarioResult result, int channels, int membersPerChannel, double ratePerChannel, int userCount)
    {
        userCount = Math.Max(membersPerChannel, Math.Min(userCount, channels * membersPerChannel));
        result.Settings["channels"] = channels;
        result.Settings["membersPerChannel"] = membersPerChannel;
        result.Settings["ratePerChannel"] = ratePerChannel;
        result.Settings["users"] = userCount;
        var all = await harness.RegisterAsync(userCount + 1);
        var owner = all[0];
        var users = all[1..];
        // A community holds at most 500 channels (docs/api.md#limits), default channels included.
        const int channelsPerCommunity = 400;
        var communities = new List<Community>();
        for (var n = 0; n < (channels + channelsPerCommunity - 1) / channelsPerCommunity; n++)
        {
            communities.Add(await harness.CommunityAsync(owner, all));
        }

        var phase = harness.Phase($"create {channels} channels", channels);
        var members = new List<int>[channels];
        var channelIds = new string[channels];
        await harness.ForEachAsync(Enumerable.Range(0, channels), async c =>
        {
            var community = communities[c / channelsPerCommunity];
            var channel = await owner.CreateChannelAsync(community.Id, $"lt-{c}");
            await owner.SetOverwriteAsync(channel.Id, community.Id, OverwriteType.Role, ChaosPermissions.None, ChaosPermissions.ViewChannel);
            members[c] = [.. Enumerable.Range(0, membersPerChannel).Select(j => ((c * membersPerChannel) + j) % userCount).Distinct()];
            foreach (var member in members[c])
            {
                await owner.SetOverwriteAsync(channel.Id, users[member].UserId!, OverwriteType.Member, ChaosPermissions.ViewChannel | ChaosPermissions.SendMessages, ChaosPermissions.None);
            }

            channelIds[c] = channel.Id;
            phase.Increment(1);
        });
        var receivers = users.Select(_ => new Receiver()).ToArray();
        var gateways = await harness.ConnectAsync(users, (i, g) => g.RawMessageCreated += receivers[i].OnMessage);
        var senders = Enumerable.Range(0, channels).Select(c => (gateways[members[c][0]], channelIds[c])).ToList();
        var perChannel = Enumerable.Range(0, channels).ToDictionary(c => channelIds[c], c => members[c].Count);
        await MessagingRun.RunAsync(harness, result, receivers, senders, perChannel, ratePerChannel, inflight: 1);
    }
}
