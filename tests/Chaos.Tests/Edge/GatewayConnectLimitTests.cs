using System.Net;
using System.Net.Http.Headers;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Edge;

/// <summary>
/// A reconnect storm is refused before it costs anything (docs/architecture.md#connection-limits): new gateway
/// connections are counted per client address before the access token is read, and per user before any grain call. The
/// front door trusts 127.0.0.1 as a proxy here, so each test picks its client address through X-Forwarded-For.
/// </summary>
public sealed class GatewayConnectLimitTests(GatewayConnectLimitFixture fixture) : IClassFixture<GatewayConnectLimitFixture>
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Negotiates_FromOneAddress_PastItsLimit_Answer429_BeforeTheTokenIsChecked()
    {
        const string Address = "10.20.0.1";
        for (var i = 0; i < 5; i++)
        {
            // A garbage token: authentication refuses it, but only after the address has paid for the try.
            (await NegotiateAsync(Address, "not-a-token")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var refused = await NegotiateAsync(Address, "not-a-token");
        await Problem.ExpectAsync(refused, 429, "rate_limited");
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Headers.GetValues("X-RateLimit-Scope").Single().ShouldBe("ip");
        refused.Headers.GetValues("X-RateLimit-Bucket").Single().ShouldBe("gateway-connects");

        // A WebSocket request without a connection token (negotiation skipped) counts the same.
        using var skipped = new HttpRequestMessage(HttpMethod.Get, "/gateway");
        skipped.Headers.Add("X-Forwarded-For", Address);
        await Problem.ExpectAsync(await Server.Http.SendAsync(skipped), 429, "rate_limited");

        // Another address is untouched.
        (await NegotiateAsync("10.20.0.2", "not-a-token")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AUserReconnectingInALoop_IsRefused_PastTheirLimit_WhileAnotherUserConnects()
    {
        var stormy = await Server.RegisterAsync();
        var other = await Server.RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            // A new address each time: only the per-user count can stop these.
            (await NegotiateAsync($"10.21.0.{i + 1}", stormy.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var refused = await NegotiateAsync("10.21.0.9", stormy.AccessToken);
        await Problem.ExpectAsync(refused, 429, "rate_limited");
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Headers.GetValues("X-RateLimit-Scope").Single().ShouldBe("user");

        // Someone else still connects for real, and gets Ready.
        await using var client = await GatewayClient.ConnectAsync(Server.BaseAddress, other.AccessToken);
        client.Events[0].Name.ShouldBe("Ready");
        client.Events[0].Payload.GetProperty("user").GetProperty("id").GetString().ShouldBe(other.Id);
    }

    private Task<HttpResponseMessage> NegotiateAsync(string address, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/gateway/negotiate?negotiateVersion=1&useStatefulReconnect=true");
        request.Headers.Add("X-Forwarded-For", address);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return Server.Http.SendAsync(request);
    }
}
