using System.Net;
using System.Net.Http.Json;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.Edge;

/// <summary>
/// Every authenticated REST route and every hub method counts against a per-user bucket (issue 11, item 4): with a
/// requests limit of 3, the fourth call of any of them is refused. Each case uses a fresh user, since the bucket is per
/// user and shared by all routes.
/// </summary>
public sealed class EveryCallIsLimitedTests(EveryCallIsLimitedFixture fixture) : IClassFixture<EveryCallIsLimitedFixture>
{
    private const int Limit = 3;

    private ChaosServer Server => fixture.Server;

    public static TheoryData<string> RestCases => ["presence", "relationships list", "relationship change", "dm create", "dm list", "voice states", "voice message upload", "read state", "typing"];

    [Theory]
    [MemberData(nameof(RestCases))]
    public async Task RestRoutes_ThatWereUnthrottled_AreRefusedPastTheLimit(string name)
    {
        var user = await Server.RegisterAsync();
        var other = await Server.RegisterAsync();
        Func<Task<HttpResponseMessage>> call = name switch
        {
            "presence" => () => user.Http.PutAsJsonAsync("/api/v1/users/@me/presence", new { status = "busy" }),
            "relationships list" => () => user.Http.GetAsync("/api/v1/users/@me/relationships"),
            "relationship change" => () => user.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{other.Id}", new { type = "friend" }),
            "dm create" => () => user.Http.PostAsJsonAsync("/api/v1/users/@me/channels", new { recipientIds = new[] { other.Id } }),
            "dm list" => () => user.Http.GetAsync("/api/v1/users/@me/channels"),
            "voice states" => () => user.Http.GetAsync("/api/v1/channels/123/voice-states"),
            "voice message upload" => () => user.Http.PostAsync("/api/v1/channels/123/voice-messages", new ByteArrayContent([1, 2, 3])),
            "read state" => () => user.Http.PutAsJsonAsync("/api/v1/channels/123/read-state", new { lastReadMessageId = "1" }),
            "typing" => () => user.Http.PostAsync("/api/v1/channels/123/typing", null),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        for (var i = 0; i < Limit; i++)
        {
            var allowed = await call();
            ((int)allowed.StatusCode).ShouldNotBe(429, $"call {i + 1} of {Limit}");
            if (allowed.IsSuccessStatusCode)
            {
                allowed.Headers.Contains("X-RateLimit-Bucket").ShouldBeTrue();
            }
        }

        var refused = await call();
        await Problem.ExpectAsync(refused, 429, "rate_limited");
        refused.Headers.RetryAfter.ShouldNotBeNull();
    }

    public static TheoryData<string> HubCases => ["Ack", "StartTyping", "SetPresence", "JoinVoice", "StartViewingMembers"];

    [Theory]
    [MemberData(nameof(HubCases))]
    public async Task HubMethods_CountAgainstTheUsersBucket(string method)
    {
        var user = await Server.RegisterAsync();
        await using var gateway = await GatewayClient.ConnectAsync(Server.BaseAddress, user.AccessToken);
        Task call() => method switch
        {
            "Ack" => gateway.Connection.InvokeAsync("Ack", "123", "1"),
            "StartTyping" => gateway.Connection.InvokeAsync("StartTyping", "123"),
            "SetPresence" => gateway.Connection.InvokeAsync("SetPresence", "busy", null),
            "JoinVoice" => gateway.Connection.InvokeAsync("JoinVoice", "123"),
            "StartViewingMembers" => gateway.Connection.InvokeAsync("StartViewingMembers", "123"),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };

        for (var i = 0; i < Limit; i++)
        {
            try
            {
                await call();
            }
            catch (HubException allowed)
            {
                // The call reached the method (an unknown channel, say); it was counted, not refused.
                allowed.Message.ShouldNotContain("rate_limited");
            }
        }

        var refused = await Should.ThrowAsync<HubException>(call);
        refused.Message.ShouldMatch(@"rate_limited: retry after \d+ ms");
    }

    [Fact]
    public async Task SendMessage_OverTheHub_UsesTheMessagesBucket_NotTheRequestsOne()
    {
        var user = await Server.RegisterAsync();
        await using var gateway = await GatewayClient.ConnectAsync(Server.BaseAddress, user.AccessToken);
        for (var i = 0; i < Limit; i++)
        {
            await gateway.Connection.InvokeAsync("SetPresence", "busy", null);
        }

        // The requests bucket is spent; a send is still counted apart (it fails for the unknown channel, not the limit).
        var unknown = await Should.ThrowAsync<HubException>(() => gateway.Connection.InvokeAsync("SendMessage", "123", "hi", null));
        unknown.Message.ShouldNotContain("rate_limited");
        (await user.Http.GetAsync("/api/v1/users/@me")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
