using System.Globalization;
using System.Net;
using Chaos.Tests.Infrastructure;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Personal;

/// <summary>
/// Group creation has its own per-user bucket (<c>Chaos:RateLimits:GroupsLimit</c>), on a standalone in-memory front door
/// so the in-memory private-channel store is exercised too.
/// </summary>
public sealed class GroupCreationLimitTests : IAsyncLifetime
{
    private const int Limit = 3;
    private ChaosServer? server;

    private ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await ChaosServer.StartAsync(null, new Dictionary<string, string?>
    {
        ["Chaos:RateLimits:Enabled"] = "true",
        ["Chaos:RateLimits:GroupsLimit"] = Limit.ToString(CultureInfo.InvariantCulture),
        ["Chaos:RateLimits:GroupsWindowSeconds"] = "3600",
        ["Chaos:RateLimits:RequestsLimit"] = "100000",
        ["Chaos:RateLimits:AuthPerAddressLimit"] = "100000",
    });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task CreatingGroups_PastTheGroupsBucket_IsRateLimited_WhileDmsAndOthersGoOn()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var cat = await Server.RegisterAsync();
        await BefriendAsync(owner, bob);
        await BefriendAsync(owner, cat);
        await BefriendAsync(bob, cat);

        for (var i = 0; i < Limit; i++)
        {
            await OpenChannelOkAsync(owner, bob, cat);
        }

        var refused = await OpenChannelAsync(owner, bob, cat);
        await Problem.ExpectAsync(refused, 429, "rate_limited");
        refused.Headers.RetryAfter.ShouldNotBeNull();
        refused.Headers.GetValues("X-RateLimit-Bucket").ShouldBe(["groups"]);
        refused.Headers.GetValues("X-RateLimit-Scope").ShouldBe(["user"]);

        // A DM is not a group; another user has a bucket of their own.
        (await OpenChannelAsync(owner, bob)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await OpenChannelAsync(bob, owner, cat)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
