using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Chaos.Tests.Gateway;

/// <summary>
/// Two front-door processes, each co-hosting a silo, clustered through one PostgreSQL database: members connected to
/// different front doors see every message exactly once, in seq order, with edits and deletes.
/// </summary>
[StartsEarly]
public sealed class CrossFrontDoorTests(CrossFrontDoorFixture fixture, ITestOutputHelper output) : IClassFixture<CrossFrontDoorFixture>
{
    private readonly ChaosProcess first = fixture.First;
    private readonly ChaosProcess second = fixture.Second;

    [Fact]
    public async Task ThreeMembersOnTwoFrontDoors_ReceiveEveryMessageOnce_InSeqOrder()
    {
        var a = await first.RegisterAsync("x");
        var b = await second.RegisterAsync("x");
        var c = await second.RegisterAsync("x");
        var outsider = await first.RegisterAsync("x");
        var community = await GatewayTests.CreateCommunityAsync(a);
        await GatewayTests.JoinAsync(a, b, community);
        await GatewayTests.JoinAsync(a, c, community);
        var channel = GatewayTests.GeneralChannel(community);

        await using var clientA = await GatewayClient.ConnectAsync(first.HttpAddress, a.AccessToken);
        await using var clientB = await GatewayClient.ConnectAsync(second.HttpAddress, b.AccessToken);
        await using var clientC = await GatewayClient.ConnectAsync(second.HttpAddress, c.AccessToken);
        await using var clientOutsider = await GatewayClient.ConnectAsync(first.HttpAddress, outsider.AccessToken);
        var senders = new[] { clientA, clientB, clientC };

        const int count = 120;
        var latencies = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var sender = senders[i % 3];
            var receiver = senders[(i + 1) % 3];
            await sender.Connection.InvokeAsync<JsonElement>("SendMessage", channel, $"m{i}", $"n{i}");
            await receiver.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == $"m{i}");
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        foreach (var client in senders)
        {
            var received = await Eventually.ReturnsAsync(
                () => Task.FromResult(client.Payloads("MessageCreated").ToList()), l => l.Count >= count, TimeSpan.FromSeconds(30), $"{count} messages");
            received.Select(m => m.GetProperty("seq").GetInt64()).ShouldBe(Enumerable.Range(1, count).Select(i => (long)i), "exactly once, in seq order");
        }

        // Edits and deletes made through one front door reach members on the other.
        var firstMessage = clientA.Payloads("MessageCreated").First().GetProperty("id").GetString();
        (await a.Http.PatchAsJsonAsync($"/api/v1/channels/{channel}/messages/{firstMessage}", new { content = "edited" })).EnsureSuccessStatusCode();
        (await clientB.WaitForAsync("MessageUpdated", m => m.GetProperty("id").GetString() == firstMessage)).GetProperty("content").GetString().ShouldBe("edited");
        (await a.Http.DeleteAsync($"/api/v1/channels/{channel}/messages/{firstMessage}")).EnsureSuccessStatusCode();
        await clientC.WaitForAsync("MessageDeleted", m => m.GetProperty("messageId").GetString() == firstMessage);

        clientOutsider.Payloads("MessageCreated").ShouldBeEmpty();
        latencies.Sort();
        output.WriteLine($"send→receive across front doors (hub invoke to the other client's event, {count} sequential messages): " +
            $"p50 {latencies[count / 2]:0.0} ms, p99 {latencies[(int)(count * 0.99)]:0.0} ms (informational, not asserted)");
    }

    /// <summary>
    /// A person's pipelined sends are accepted in the order sent, through either front door: the channel grain lives on one
    /// of the two silos, so one sender's calls cross from its door's silo to the other (docs/architecture.md#sender-order).
    /// </summary>
    [Fact]
    public async Task PipelinedSendsThroughEitherDoor_AreAcceptedInTheOrderSent()
    {
        var a = await first.RegisterAsync("x");
        var b = await second.RegisterAsync("x");
        var community = await GatewayTests.CreateCommunityAsync(a);
        await GatewayTests.JoinAsync(a, b, community);
        var channel = GatewayTests.GeneralChannel(community);
        await using var clientA = await GatewayClient.ConnectAsync(first.HttpAddress, a.AccessToken);
        await using var clientB = await GatewayClient.ConnectAsync(second.HttpAddress, b.AccessToken);

        const int count = 150;
        async Task<List<long>> PipelineAsync(GatewayClient client, string who)
        {
            // Every call is started before the first answer is awaited.
            var sends = Enumerable.Range(0, count).Select(i => client.Connection.InvokeAsync<JsonElement>("SendMessage", channel, $"{who}{i}", $"{who}-n{i}")).ToList();
            var answers = await Task.WhenAll(sends);
            return [.. answers.Select(m => m.GetProperty("seq").GetInt64())];
        }

        var orders = await Task.WhenAll(PipelineAsync(clientA, "a"), PipelineAsync(clientB, "b"));
        foreach (var seqs in orders)
        {
            seqs.ShouldBe(seqs.Order().ToList(), "each sender's messages take seqs in the order it sent them");
        }

        // Every member sees both senders' messages in that same order.
        foreach (var client in new[] { clientA, clientB })
        {
            var received = await Eventually.ReturnsAsync(
                () => Task.FromResult(client.Payloads("MessageCreated").Where(m => m.GetProperty("channelId").GetString() == channel).ToList()),
                l => l.Count >= 2 * count, TimeSpan.FromSeconds(60), $"{2 * count} messages");
            foreach (var who in new[] { "a", "b" })
            {
                received.Select(m => m.GetProperty("content").GetString()!).Where(c => c.StartsWith(who, StringComparison.Ordinal))
                    .ShouldBe(Enumerable.Range(0, count).Select(i => $"{who}{i}"), $"{who}'s messages in the order sent");
            }
        }
    }

    /// <summary>
    /// A connection's pipelined sends to two channels, with sends refused in between (by the front door for an oversized
    /// content, by a Channel grain for a channel the sender cannot see), keep the order sent in each channel: a refused
    /// send leaves no gap its successors wait on, and every accepted one is answered (docs/architecture.md#sender-order).
    /// </summary>
    [Fact]
    public async Task PipelinedSendsToTwoChannels_WithRefusedOnesBetween_KeepTheOrderSentInEach()
    {
        var a = await first!.RegisterAsync("x");
        var stranger = await second!.RegisterAsync("x");
        var community = await GatewayTests.CreateCommunityAsync(a);
        var general = GatewayTests.GeneralChannel(community);
        var created = await a.Http.PostAsJsonAsync($"/api/v1/communities/{community.GetProperty("id").GetString()}/channels", new { name = "second", type = "text" });
        created.EnsureSuccessStatusCode();
        var other = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var forbidden = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(stranger));
        await using var client = await GatewayClient.ConnectAsync(second!.HttpAddress, a.AccessToken);

        const int count = 120;
        var channels = new[] { general, other };
        var sends = Enumerable.Range(0, count).Select(i => (i % 10) switch
        {
            3 => Refused(client.Connection.InvokeAsync<JsonElement>("SendMessage", forbidden, $"x{i}", $"x-n{i}")),
            7 => Refused(client.Connection.InvokeAsync<JsonElement>("SendMessage", channels[i % 2], new string('z', 5000), $"z-n{i}")),
            _ => client.Connection.InvokeAsync<JsonElement>("SendMessage", channels[i % 2], $"m{i}", $"m-n{i}"),
        }).ToList();
        var answers = await Task.WhenAll(sends);

        foreach (var channel in channels)
        {
            var expected = Enumerable.Range(0, count).Where(i => i % 10 is not (3 or 7) && channels[i % 2] == channel).Select(i => $"m{i}").ToList();
            var accepted = answers.Where(m => m.ValueKind == JsonValueKind.Object && m.GetProperty("channelId").GetString() == channel)
                .OrderBy(m => m.GetProperty("seq").GetInt64()).Select(m => m.GetProperty("content").GetString()!).ToList();
            accepted.ShouldBe(expected, $"channel {channel}: accepted in the order sent");
        }

        static async Task<JsonElement> Refused(Task<JsonElement> send)
        {
            await Should.ThrowAsync<HubException>(send);
            return default;
        }
    }
}
