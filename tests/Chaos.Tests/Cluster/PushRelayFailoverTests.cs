using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chaos.Tests.Cluster;

/// <summary>
/// Push delivery of channel events survives a silo killed mid-stream (docs/architecture.md#push-relay-for-channel-events):
/// two real front-door processes co-hosting silos on PostgreSQL, the channel grains placed on B, members connected to A,
/// a steady stream of sends through A, and B killed with SIGKILL part way. The grains reactivate on A and have forgotten
/// A's relay; A's lease renewal (and its repair round on the membership change) registers again and fills by seq what
/// was published meanwhile. Every acknowledged message reaches every member on A exactly once and in seq order, with no
/// later message needed to reveal a gap and no client-side fill (the raw SignalR client fills nothing).
/// </summary>
[StartsEarly(2)]
public sealed class PushRelayFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillingTheSiloOfTheChannelGrains_LosesNoAcknowledgedMessage_ForMembersOnTheSurvivingDoor()
    {
        await using var doors = await TwoFrontDoors.StartAsync(new Dictionary<string, string> { ["Chaos:Streams:ChannelEvents"] = "push" });
        var (a, b, clients) = (doors.A, doors.B, doors.Clients);
        var owner = await a.RegisterAsync("pr");
        var members = new[] { owner, await a.RegisterAsync("pr"), await a.RegisterAsync("pr") };
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var communityId = community.GetProperty("id").GetString();
        foreach (var member in members.Skip(1))
        {
            await GatewayTests.JoinAsync(owner, member, community);
        }

        var channels = new List<string> { GatewayTests.GeneralChannel(community) };
        for (var i = 0; i < 3; i++)
        {
            var created = await owner.Http.PostAsJsonAsync($"/api/v1/communities/{communityId}/channels", new { name = $"c{i}", type = "text" });
            channels.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        // The first send of each channel goes through B, so its grain activates on B's silo (placement prefers the
        // calling silo): the one killed below.
        using (var throughB = new HttpClient { BaseAddress = b.HttpAddress, Timeout = TimeSpan.FromSeconds(60) })
        {
            throughB.DefaultRequestHeaders.Authorization = owner.Http.DefaultRequestHeaders.Authorization;
            foreach (var channel in channels)
            {
                var response = await throughB.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "opened through B", nonce = "open" });
                response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            }
        }

        foreach (var member in members)
        {
            clients.Add(await GatewayClient.ConnectAsync(a.HttpAddress, member.AccessToken));
        }

        const int total = 160;
        for (var i = 0; i < total; i++)
        {
            if (i == 50)
            {
                await b.KillAsync();
            }

            var channel = channels[i % channels.Count];
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                try
                {
                    var response = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"message {i}", nonce = $"k{i}" });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        break;
                    }

                    ((int)response.StatusCode).ShouldBeGreaterThanOrEqualTo(500, await response.Content.ReadAsStringAsync());
                }
                catch (HttpRequestException)
                {
                    // The send may or may not have happened: retried with the same nonce.
                }

                DateTime.UtcNow.ShouldBeLessThan(deadline, "sends did not recover after the kill");
            }
        }

        foreach (var channel in channels)
        {
            var history = await HistoryAsync(owner.Http, channel);
            history.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, history.Count).Select(s => (long)s), "history: seq without gaps or repeats");
            for (var m = 0; m < clients.Count; m++)
            {
                var client = clients[m];
                // The messages B's members would have had before A's connections opened (the "opened through B" ones) are
                // not expected; everything after is.
                var expected = history.Where(h => h.Content != "opened through B").Select(h => h.Seq).ToList();
                var seen = await Eventually.ReturnsAsync(
                    () => Task.FromResult(Seqs(client, channel)),
                    s => s.Count >= expected.Count,
                    TimeSpan.FromSeconds(60),
                    $"member {m} receives all {expected.Count} messages of channel {channel} (no later message reveals the tail)");
                seen.ShouldBe(expected, $"member {m}, channel {channel}: exactly once, in seq order");
            }
        }

        output.WriteLine($"{total} acknowledged sends over {channels.Count} channels, {clients.Count} members on the surviving door");
    }

    private static List<long> Seqs(GatewayClient client, string channel) =>
        [.. client.Payloads("MessageCreated").Where(m => m.GetProperty("channelId").GetString() == channel).Select(m => m.GetProperty("seq").GetInt64())];

    private static async Task<List<(long Seq, string? Content)>> HistoryAsync(HttpClient http, string channel)
    {
        var history = new List<(long Seq, string? Content)>();
        string? after = "1";
        while (true)
        {
            var page = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{channel}/messages?limit=100&after={after}")).EnumerateArray().ToList();
            history.AddRange(page.Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("content").GetString())));
            if (page.Count < 100)
            {
                return [.. history.OrderBy(h => h.Seq)];
            }

            after = page.OrderBy(m => m.GetProperty("seq").GetInt64()).Last().GetProperty("id").GetString();
        }
    }
}
