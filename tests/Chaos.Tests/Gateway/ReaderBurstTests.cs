using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.Gateway;

/// <summary>
/// A reader is never closed just for a burst (issue 11, item 5; docs/architecture.md#slow-consumers): maximum-length
/// messages, sent unpaced and together far larger than the connection's transport pipe, reach a reading connection whole
/// and in <c>seq</c> order, and that connection stays open (the slow-consumer bounds close only connections that do not read).
/// </summary>
[Collection(GatewayServer.Name)]
public sealed class ReaderBurstTests(ApiFixture fixture)
{
    /// <summary>Each <c>MessageCreated</c> is ~24 KB of JSON (4,000 non-ASCII characters escaped as <c>\uXXXX</c>): ~580 KB in all.</summary>
    private const int Burst = 24;

    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task ABurstOfLargeEvents_ReachesAReaderWholeAndInOrder_AndItStaysConnected()
    {
        var owner = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var channel = GatewayTests.GeneralChannel(community);
        await using var reader = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        var connectionId = reader.Connection.ConnectionId;

        // Unpaced: four senders post as fast as the server acknowledges.
        var content = new string('語', 4000);
        var next = 0;
        var seqs = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var i && i <= Burst)
            {
                var response = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content, nonce = i.ToString(CultureInfo.InvariantCulture) });
                response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
                seqs.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64());
            }
        }));

        var last = seqs.Max();
        await reader.WaitForAsync("MessageCreated", m => m.GetProperty("seq").GetInt64() == last, TimeSpan.FromSeconds(60));
        var received = reader.Payloads("MessageCreated").Where(m => m.GetProperty("channelId").GetString() == channel).ToList();
        received.Select(m => m.GetProperty("seq").GetInt64()).ShouldBe(seqs.Order().ToList());
        received.ShouldAllBe(m => m.GetProperty("content").GetString() == content);
        reader.Connection.State.ShouldBe(HubConnectionState.Connected);
        reader.Connection.ConnectionId.ShouldBe(connectionId);
    }
}
