using Chaos.Client;
using Chaos.Client.Gateway;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Client;

/// <summary>Two front doors co-hosting silos on one PostgreSQL: SDK clients on different doors see each other's messages.</summary>
public sealed class CrossDoorTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData(GatewayProtocol.Json)]
    [InlineData(GatewayProtocol.MessagePack)]
    public async Task Messages_SentOnOneDoor_ArriveOnTheOther_OnceAndInSeqOrder(GatewayProtocol protocol)
    {
        await using var second = await ChaosServer.StartAsync(fixture.ConnectionString);
        using var sender = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        using var receiver = new ChaosClient(second.BaseAddress);
        await receiver.RegisterAsync(TestUser.UniqueName("sdk"), "correct horse battery");
        var (_, channelId) = await SdkUsers.CommunityAsync(sender, receiver);
        var (senderGateway, _) = await SdkUsers.GatewayAsync(sender, protocol);
        var (receiverGateway, received) = await SdkUsers.GatewayAsync(receiver, protocol);
        await using (senderGateway)
        await using (receiverGateway)
        {
            receiverGateway.FrontDoor.ShouldBe(second.BaseAddress);
            var sends = Enumerable.Range(0, 30).Select(i => senderGateway.SendMessageAsync(channelId, $"cross {i}")).ToList();
            await Task.WhenAll(sends);

            var seen = await received.WaitForCountAsync(channelId, 30);
            seen.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, 30).Select(i => (long)i));
            seen.Select(m => m.Id).ShouldBe(sends.Select(s => s.Result).OrderBy(m => m.Seq).Select(m => m.Id));
        }
    }

    [Fact]
    public async Task Gateway_ReconnectsToTheNextFrontDoor_FillsTheGap_AndCompletesASendStartedWhileMoving()
    {
        // The second door is a front door only (an Orleans client of the first one's silo): this test is about the SDK
        // moving between doors. A second co-hosted silo dying here left the survivor failing Ready for minutes in some
        // runs (its grains never failed over; see the closing note of stop 9).
        var second = await ChaosServer.StartAsync(fixture.ConnectionString, new Dictionary<string, string?> { ["Chaos:FrontDoorOnly"] = "true" });
        using var sender = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        using var listener = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        var (_, channelId) = await SdkUsers.CommunityAsync(sender, listener);
        var (gateway, recorded) = await SdkUsers.GatewayAsync(listener, GatewayProtocol.Json, second.BaseAddress, fixture.Server.BaseAddress);
        var attempts = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var started = DateTime.UtcNow;
        gateway.Disconnected += e => attempts.Enqueue($"{(DateTime.UtcNow - started).TotalSeconds:0.0}s disconnected: {e?.GetType().Name} {e?.Message}");
        gateway.ConnectFailed += (door, e) => attempts.Enqueue($"{(DateTime.UtcNow - started).TotalSeconds:0.0}s {door} failed: {e.GetType().Name} {e.Message}");
        gateway.Reconnected += door => attempts.Enqueue($"{(DateTime.UtcNow - started).TotalSeconds:0.0}s reconnected to {door}");
        await using (gateway)
        {
            gateway.FrontDoor.ShouldBe(second.BaseAddress);
            await sender.SendMessageAsync(channelId, "m0");
            await recorded.WaitForCountAsync(channelId, 1);

            // The listener's front door dies (host stopped with a cancelled token, sockets aborted); the gateway moves to
            // the other door.
            await second.KillAsync();
            // Started while the gateway has no connection: it waits for the next one and sends then, once.
            var moving = gateway.SendMessageAsync(channelId, "sent while moving");
            for (var i = 1; i <= 5; i++)
            {
                await sender.SendMessageAsync(channelId, $"m{i}");
            }

            try
            {
                await Eventually.ReturnsAsync(() => Task.FromResult(gateway.FrontDoor), d => d == fixture.Server.BaseAddress && gateway.IsConnected, TimeSpan.FromSeconds(120), "a reconnect to the first door");
            }
            catch (TimeoutException timeout)
            {
                throw new TimeoutException($"{timeout.Message} (first door {fixture.Server.BaseAddress}); attempts: {string.Join(" | ", attempts)}", timeout);
            }

            await sender.SendMessageAsync(channelId, "m6");
            var mine = await moving;
            var seen = await recorded.WaitForCountAsync(channelId, 8, TimeSpan.FromSeconds(60));
            seen.Where(m => m.Content != "sent while moving").Select(m => m.Content).ShouldBe(Enumerable.Range(0, 7).Select(i => $"m{i}"));
            seen.Count(m => m.Content == "sent while moving").ShouldBe(1);
            seen.Single(m => m.Content == "sent while moving").Id.ShouldBe(mine.Id);
            seen.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, 8).Select(i => (long)i));
            (await sender.GetMessagesAsync(channelId)).Count(m => m.Content == "sent while moving").ShouldBe(1);
        }
    }
}
