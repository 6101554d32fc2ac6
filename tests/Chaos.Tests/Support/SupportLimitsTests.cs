using System.Net.Http.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Support;

/// <summary>The desk's bounds on a front door with default per-address limits and a tiny queue: a full queue and too many starts.</summary>
public sealed class SupportLimitsTests : IAsyncLifetime
{
    private ChaosServer server = null!;

    public async Task InitializeAsync() =>
        server = await ChaosServer.StartAsync(null, new Dictionary<string, string?> { ["Chaos:Support:MaxQueue"] = "2", ["Chaos:RateLimits:Enabled"] = "true" });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task AFullQueue_IsAConflict_AndOneAddressStartsAtMostFivePerMinute()
    {
        var (_, communityId) = await SupportKit.CreateDeskAsync(server);
        using var anonymous = server.CreateClient();
        var start = $"/api/v1/support/{communityId}/conversations";
        var first = await SupportKit.StartAsync(server, communityId, "One", "first");
        // With limits on, a guest token counts against its conversation's own bucket.
        var own = await first.Http.GetAsync($"/api/v1/support/conversations/{first.ConversationId}");
        own.IsSuccessStatusCode.ShouldBeTrue(await own.Content.ReadAsStringAsync());
        own.Headers.GetValues("X-RateLimit-Bucket").ShouldBe(["requests"]);
        await SupportKit.StartAsync(server, communityId, "Two", "second");
        var full = await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "Three", message = "third" }), 409, "conflict");
        full.Detail!.ShouldContain("queue is full");
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "Four", message = "fourth" }), 409, "conflict");
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "Five", message = "fifth" }), 409, "conflict");

        var limited = await anonymous.PostAsJsonAsync(start, new { name = "Six", message = "sixth" });
        await Problem.ExpectAsync(limited, 429, "rate_limited");
        limited.Headers.GetValues("X-RateLimit-Scope").ShouldBe(["ip"]);
        limited.Headers.RetryAfter.ShouldNotBeNull();
    }
}
