using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.RateLimits;

/// <summary>The send limit of docs/api.md#rate-limits (50 per 10 s per user) holds across the whole cluster, with Discord-style headers.</summary>
public sealed class RateLimitTests(RateLimitedServers servers) : IClassFixture<RateLimitedServers>
{
    private ChaosServer First => servers.A;

    private ChaosServer Second => servers.B;

    [Fact]
    public async Task Sends_PastTheLimit_Answer429WithHeaders_AndOtherUsersAreUnaffected()
    {
        var user = await First.RegisterAsync();
        var channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(user));
        for (var i = 0; i < 50; i++)
        {
            var ok = await user.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"m{i}" });
            ok.StatusCode.ShouldBe(HttpStatusCode.Created, await ok.Content.ReadAsStringAsync());
            ok.Headers.GetValues("X-RateLimit-Limit").Single().ShouldBe("50");
            ok.Headers.GetValues("X-RateLimit-Bucket").Single().ShouldBe("messages");
            ok.Headers.GetValues("X-RateLimit-Scope").Single().ShouldBe("user");
            int.Parse(ok.Headers.GetValues("X-RateLimit-Remaining").Single(), CultureInfo.InvariantCulture).ShouldBeInRange(0, 49);
        }

        var refused = await user.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = "one too many" });
        await Problem.ExpectAsync(refused, 429, "rate_limited");
        int.Parse(refused.Headers.RetryAfter!.ToString(), CultureInfo.InvariantCulture).ShouldBeInRange(1, 60);
        refused.Headers.GetValues("X-RateLimit-Remaining").Single().ShouldBe("0");
        double.Parse(refused.Headers.GetValues("X-RateLimit-Reset-After").Single(), CultureInfo.InvariantCulture).ShouldBeInRange(0.001, 60);

        // History shows exactly the 50 accepted sends; the refused one was never written.
        (await user.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{channel}/messages?limit=100")).GetArrayLength().ShouldBe(50);

        var other = await First.RegisterAsync();
        var otherChannel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(other));
        (await other.Http.PostAsJsonAsync($"/api/v1/channels/{otherChannel}/messages", new { content = "fine" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task TheLimit_HoldsAcrossFrontDoors_AndTheGateway()
    {
        var user = await First.RegisterAsync();
        var channel = GatewayTests.GeneralChannel(await GatewayTests.CreateCommunityAsync(user));
        using var throughSecond = Second.CreateClient(user.AccessToken);
        var accepted = 0;
        for (var i = 0; i < 30; i++)
        {
            if ((await user.Http.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"a{i}" })).StatusCode == HttpStatusCode.Created)
            {
                accepted++;
            }
        }

        for (var i = 0; i < 30; i++)
        {
            var response = await throughSecond.PostAsJsonAsync($"/api/v1/channels/{channel}/messages", new { content = $"b{i}" });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                accepted++;
            }
            else
            {
                await Problem.ExpectAsync(response, 429, "rate_limited");
            }
        }

        accepted.ShouldBe(50);
        await using var gateway = await GatewayClient.ConnectAsync(Second.BaseAddress, user.AccessToken);
        var error = await Should.ThrowAsync<HubException>(() => gateway.Connection.InvokeAsync<JsonElement>("SendMessage", channel, "via the hub", null));
        error.Message.ShouldContain("HubException: rate_limited:");
    }
}
