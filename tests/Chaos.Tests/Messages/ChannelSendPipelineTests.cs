using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Chaos.Tests.Messages;

/// <summary>
/// The channel's send pipeline on a real front door and PostgreSQL: sends interleave and commit in groups, yet every
/// acknowledged message has its own seq, history is gapless and in seq order, events go out in seq order, nonces stay
/// idempotent under concurrency, and a seq taken behind the grain's back is recovered from.
/// </summary>
[Collection(GatewayServer.Name)]
public sealed class ChannelSendPipelineTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task ConcurrentSends_IntoOneChannel_GetGaplessSeqs_AndEventsAndHistoryInSeqOrder()
    {
        var owner = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var others = new[] { await Server.RegisterAsync(), await Server.RegisterAsync() };
        foreach (var other in others)
        {
            await GatewayTests.JoinAsync(owner, other, community);
        }

        var channel = GatewayTests.GeneralChannel(community);
        await using var watcher = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        TestUser[] authors = [owner, .. others];
        const int perAuthor = 100;
        var sends = authors.SelectMany(a => Enumerable.Range(0, perAuthor).Select(async i =>
        {
            var response = await a.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"{a.Username} {i}" });
            return await CommunityTestApi.ReadAsync(response, HttpStatusCode.Created);
        })).ToList();
        var acks = await Task.WhenAll(sends);

        const int total = 3 * perAuthor;
        acks.Select(a => a.GetProperty("seq").GetInt64()).Order().ShouldBe(Enumerable.Range(1, total).Select(i => (long)i));
        acks.Select(a => a.Str("id")).Distinct().Count().ShouldBe(total);

        // Each author's sends were issued concurrently, so only the per-message content/seq pairing is fixed: history
        // and the live events must agree with every acknowledgement, in seq order.
        var bySeq = acks.OrderBy(a => a.GetProperty("seq").GetInt64()).ToList();
        var history = new List<JsonElement>();
        string? before = null;
        while (history.Count < total)
        {
            var page = await owner.GetAsync($"/api/v1/channels/{channel}/messages?limit=100" + (before is null ? string.Empty : $"&before={before}"));
            var items = page.EnumerateArray().ToList();
            items.ShouldNotBeEmpty();
            history.InsertRange(0, items);
            before = items[0].Str("id");
        }

        history.Select(m => m.Str("id")).ShouldBe(bySeq.Select(a => a.Str("id")));
        history.Select(m => m.Str("content")).ShouldBe(bySeq.Select(a => a.Str("content")));

        await watcher.WaitForAsync("MessageCreated", m => m.GetProperty("seq").GetInt64() == total);
        watcher.Payloads("MessageCreated").Select(e => e.Str("id")).ShouldBe(bySeq.Select(a => a.Str("id")), "MessageCreated goes out once per message, in seq order");
    }

    [Fact]
    public async Task PipelinedSends_OnOneConnection_KeepTheirOrder()
    {
        var owner = await Server.RegisterAsync();
        var channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(owner));
        await using var client = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);

        // Issued back to back without waiting for acknowledgements: the hub runs them in parallel, the channel
        // admits them in arrival order.
        var sends = Enumerable.Range(0, 40).Select(i => client.Connection.InvokeAsync<JsonElement>("SendMessage", channel, $"pipelined {i}", $"p-{i}")).ToList();
        var acks = await Task.WhenAll(sends);

        acks.Select(a => a.GetProperty("seq").GetInt64()).ShouldBe(Enumerable.Range(1, 40).Select(i => (long)i));
        acks.Select(a => a.Str("content")).ShouldBe(Enumerable.Range(0, 40).Select(i => $"pipelined {i}"));
    }

    [Fact]
    public async Task ConcurrentSends_WithOneNonce_CreateOneMessage_AndAllAnswerIt()
    {
        var owner = await Server.RegisterAsync();
        var channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(owner));

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            var response = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"attempt {i}", nonce = "one-nonce" });
            return await CommunityTestApi.ReadAsync(response, HttpStatusCode.Created);
        }));

        answers.Select(a => a.Str("id")).Distinct().Count().ShouldBe(1);
        answers.Select(a => a.Str("content")).Distinct().Count().ShouldBe(1);
        (await owner.GetAsync($"/api/v1/channels/{channel}/messages")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task ASeqTakenBehindTheGrainsBack_FailsThatSendRetryably_AndTheRetryContinuesAfterIt()
    {
        var owner = await Server.RegisterAsync();
        var channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(owner));
        var first = await GatewayTests.SendAsync(owner, channel, "first");

        // What a second activation (split brain) or a commit whose acknowledgement was lost leaves behind: seq 2 exists.
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO messages (channel_id, id, seq, author_id, content, created_at, mentions, flags, deleted) VALUES ($1, $2, 2, $3, 'written elsewhere', now(), '{}', 0, false)",
                connection);
            insert.Parameters.AddWithValue(long.Parse(channel, System.Globalization.CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue(long.Parse(first.Str("id"), System.Globalization.CultureInfo.InvariantCulture) + 1);
            insert.Parameters.AddWithValue(long.Parse(owner.Id, System.Globalization.CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync();
        }

        var refused = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "second", nonce = "retry-me" });
        await Problem.ExpectAsync(refused, 503, "unavailable");

        var retried = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "second", nonce = "retry-me" });
        (await CommunityTestApi.ReadAsync(retried, HttpStatusCode.Created)).GetProperty("seq").GetInt64().ShouldBe(3);
        var history = await owner.GetAsync($"/api/v1/channels/{channel}/messages");
        history.EnumerateArray().Select(m => m.Str("content")).ShouldBe(["first", "written elsewhere", "second"]);
    }
}
