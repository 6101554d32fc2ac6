using System.Text.Json;
using Chaos.Presence;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Personal;

/// <summary>
/// The cost of one status change of a user with 100 friends in 3 communities, counted (not timed): publishes, stream
/// deliveries to front doors, and socket writes to connections — on the server's counters and on the clients.
/// </summary>
[StartsEarly]
public sealed class PresenceFanoutCostTests(FanoutPresenceFixture fixture, ITestOutputHelper output) : IClassFixture<FanoutPresenceFixture>
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task StatusChange_Of_UserWith100FriendsIn3Communities_CostsOneWritePerEntitledConnection()
    {
        var user = await Server.RegisterAsync();
        var friends = new List<TestUser>();
        var others = new List<TestUser>();
        for (var i = 0; i < 100; i++)
        {
            friends.Add(await Server.RegisterAsync());
        }

        for (var i = 0; i < 15; i++)
        {
            others.Add(await Server.RegisterAsync());
        }

        foreach (var friend in friends)
        {
            await BefriendAsync(user, friend);
        }

        // Two small communities (26 members each, overlapping) and one large one (36 > 30).
        var small1 = await GatewayTests.CreateCommunityAsync(user);
        var small2 = await GatewayTests.CreateCommunityAsync(user);
        var large = await GatewayTests.CreateCommunityAsync(user);
        foreach (var member in friends[..20].Concat(others[..5]))
        {
            await GatewayTests.JoinAsync(user, member, small1);
        }

        foreach (var member in friends[10..30].Concat(others[5..10]))
        {
            await GatewayTests.JoinAsync(user, member, small2);
        }

        foreach (var member in friends[30..60].Concat(others[10..15]))
        {
            await GatewayTests.JoinAsync(user, member, large);
        }

        var observers = new List<GatewayClient>();
        try
        {
            foreach (var observer in friends.Concat(others))
            {
                observers.Add(await GatewayClient.ConnectAsync(Server.BaseAddress, observer.AccessToken));
            }

            // One member of the large community looks at its member list; the other four large-only members do not.
            var viewer = observers[100 + 10];
            await viewer.Connection.InvokeAsync<JsonElement>("StartViewingMembers", large.GetProperty("id").GetString());
            var entitled = friends.Count + 10 + 1;

            var metrics = Server.Services.GetRequiredService<PresenceMetrics>();
            var rows = new List<string>();
            GatewayClient? userClient = null;
            try
            {
                async Task MeasureAsync(string change, string expected, Func<Task> act)
                {
                    var baseline = await QuiesceAsync(metrics);
                    var before = observers.Sum(o => Statuses(o, user).Count);
                    await act();
                    await Eventually.ReturnsAsync(
                        () => Task.FromResult(observers.Count(o => Statuses(o, user).LastOrDefault() == expected)),
                        n => n == entitled, TimeSpan.FromSeconds(30), $"{entitled} observers to see {expected}");
                    var after = await QuiesceAsync(metrics);
                    var socketWrites = observers.Sum(o => Statuses(o, user).Count) - before;
                    rows.Add($"{change,-22} published {after.Published - baseline.Published}, stream deliveries to front doors {after.Received - baseline.Received}, " +
                        $"socket writes (server counter) {after.Delivered - baseline.Delivered}, PresenceUpdated received by clients {socketWrites}");
                    (after.Published - baseline.Published).ShouldBe(1);
                    (after.Received - baseline.Received).ShouldBe(1, "one front door here: one stream delivery");
                    (after.Delivered - baseline.Delivered).ShouldBe(entitled);
                    socketWrites.ShouldBe(entitled);
                }

                await MeasureAsync("connect (online)", "online", async () => userClient = await GatewayClient.ConnectAsync(Server.BaseAddress, user.AccessToken));
                await MeasureAsync("SetPresence busy", "busy", () => userClient!.Connection.InvokeAsync<JsonElement>("SetPresence", "busy", "writing code"));
                await MeasureAsync("SetPresence invisible", "offline", () => userClient!.Connection.InvokeAsync<JsonElement>("SetPresence", "invisible", null));
                await MeasureAsync("SetPresence online", "online", () => userClient!.Connection.InvokeAsync<JsonElement>("SetPresence", "online", null));
                await MeasureAsync("disconnect (offline)", "offline", async () => await userClient!.DisposeAsync());
            }
            finally
            {
                if (userClient is not null)
                {
                    await userClient.DisposeAsync();
                }
            }

            output.WriteLine($"User with {friends.Count} friends in 3 communities (2 small of 26 members, 1 large of 36; small bound 30), " +
                $"1 connection per observer, 1 front door. Entitled connections: {friends.Count} friends + 10 small-community co-members + 1 member-list viewer = {entitled}.");
            foreach (var row in rows)
            {
                output.WriteLine(row);
            }

            foreach (var silent in observers[(100 + 11)..])
            {
                Statuses(silent, user).ShouldBeEmpty("large-community members not viewing the list get nothing");
            }
        }
        finally
        {
            foreach (var observer in observers)
            {
                await observer.DisposeAsync();
            }
        }
    }

    /// <summary>Waits until no presence work is in flight (two readings a quarter second apart agree).</summary>
    private static Task<(long Published, long Received, long Delivered)> QuiesceAsync(PresenceMetrics metrics)
    {
        (long, long, long)? previous = null;
        return Eventually.ReturnsAsync(
            () =>
            {
                var current = (metrics.Published, metrics.Received, metrics.Delivered);
                var stable = previous == current;
                previous = current;
                return Task.FromResult((current, stable));
            },
            r => r.stable, TimeSpan.FromSeconds(30), "presence fan-out to settle").ContinueWith(t => t.Result.current, TaskScheduler.Default);
    }
}
