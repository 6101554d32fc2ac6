using System.Collections.Concurrent;
using Chaos.Client;
using Chaos.Client.Communities;
using Chaos.Client.Gateway;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Client;

/// <summary>Two front doors co-hosting silos on one PostgreSQL: SDK clients on different doors see each other's messages.</summary>
[StartsEarly(5)]
public sealed class CrossDoorTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <param name="skipNegotiation">WebSockets without the negotiate request: how SDK clients connect behind a load
    /// balancer without session affinity (helm/chaos/README.md).</param>
    [Theory]
    [InlineData(GatewayProtocol.Json, false)]
    [InlineData(GatewayProtocol.MessagePack, false)]
    [InlineData(GatewayProtocol.MessagePack, true)]
    public async Task Messages_SentOnOneDoor_ArriveOnTheOther_OnceAndInSeqOrder(GatewayProtocol protocol, bool skipNegotiation)
    {
        await using var second = await ChaosServer.StartAsync(fixture.ConnectionString);
        using var sender = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        using var receiver = new ChaosClient(second.BaseAddress);
        await receiver.RegisterAsync(TestUser.UniqueName("sdk"), "correct horse battery");
        var (_, channelId) = await SdkUsers.CommunityAsync(sender, receiver);
        var (senderGateway, _) = await SdkUsers.GatewayAsync(sender, new ChaosGatewayOptions { Protocol = protocol, SkipNegotiation = skipNegotiation });
        var (receiverGateway, received) = await SdkUsers.GatewayAsync(receiver, new ChaosGatewayOptions { Protocol = protocol, SkipNegotiation = skipNegotiation });
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

    /// <summary>
    /// A member joins through the second door while the owner and an earlier member listen on both doors: both get its
    /// <c>MemberJoined</c>, whichever door they are on, and the joiner gets <c>CommunityJoined</c> (its own
    /// <c>MemberJoined</c>: the next test).
    /// </summary>
    [Fact]
    public async Task AJoinThroughTheOtherDoor_ReachesMembersOnBothDoors()
    {
        await using var second = await ChaosServer.StartAsync(fixture.ConnectionString);
        using var owner = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        using var early = await SdkUsers.RegisterAsync(second.BaseAddress);
        using var joiner = await SdkUsers.RegisterAsync(second.BaseAddress);
        var (community, _) = await SdkUsers.CommunityAsync(owner, early);
        var invite = await owner.CreateInviteAsync(community.Id, maxUses: 0);
        var listeners = new List<(string Who, ChaosGateway Gateway, ConcurrentQueue<Member> Joined)>();
        var communitiesJoined = new ConcurrentQueue<Community>();
        foreach (var (who, client) in new[] { ("owner (first door)", owner), ("early member (second door)", early), ("joiner (second door)", joiner) })
        {
            var joined = new ConcurrentQueue<Member>();
            var gateway = new ChaosGateway(client, new ChaosGatewayOptions());
            gateway.MemberJoined += joined.Enqueue;
            if (client == joiner)
            {
                gateway.CommunityJoined += communitiesJoined.Enqueue;
            }

            await gateway.StartAsync();
            listeners.Add((who, gateway, joined));
        }

        try
        {
            listeners[0].Gateway.FrontDoor.ShouldBe(fixture.Server.BaseAddress);
            listeners[1].Gateway.FrontDoor.ShouldBe(second.BaseAddress);
            listeners[2].Gateway.FrontDoor.ShouldBe(second.BaseAddress);
            await joiner.AcceptInviteAsync(invite.Code);
            await Eventually.ReturnsAsync(() => Task.FromResult(communitiesJoined.ToArray()), c => c.Any(x => x.Id == community.Id), TimeSpan.FromSeconds(15), "CommunityJoined at the joiner (second door)");
            foreach (var (who, _, joined) in listeners.Take(2))
            {
                await Eventually.ReturnsAsync(() => Task.FromResult(joined.ToArray()), j => j.Any(m => m.User.Id == joiner.UserId && m.CommunityId == community.Id), TimeSpan.FromSeconds(15), $"the joiner's MemberJoined at the {who}");
            }
        }
        finally
        {
            foreach (var (_, gateway, _) in listeners)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A joiner hears its own <c>MemberJoined</c> once, after <c>CommunityJoined</c>, both on a front door the community is
    /// new to and on one that already carries it (docs/architecture.md#own-join). Each count is taken after a later join
    /// reached the same connection, so a late second copy would have been counted.
    /// </summary>
    [Fact]
    public async Task TheJoinersOwnMemberJoined_ArrivesOnceAfterCommunityJoined_OnADoorNewToTheCommunity_AndOnOneCarryingIt()
    {
        await using var second = await ChaosServer.StartAsync(fixture.ConnectionString);
        using var owner = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        using var first = await SdkUsers.RegisterAsync(second.BaseAddress);
        using var next = await SdkUsers.RegisterAsync(second.BaseAddress);
        using var last = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        var community = await owner.CreateCommunityAsync("own join");
        var invite = await owner.CreateInviteAsync(community.Id, maxUses: 0);
        var logs = new List<(ChaosClient Client, ChaosGateway Gateway, ConcurrentQueue<string> Log)>();
        foreach (var client in new[] { first, next })
        {
            var log = new ConcurrentQueue<string>();
            var gateway = new ChaosGateway(client, new ChaosGatewayOptions());
            gateway.CommunityJoined += c => log.Enqueue($"CommunityJoined {c.Id}");
            gateway.MemberJoined += m => log.Enqueue($"MemberJoined {m.CommunityId} {m.User.Id}");
            await gateway.StartAsync();
            logs.Add((client, gateway, log));
        }

        try
        {
            logs.ShouldAllBe(l => l.Gateway.FrontDoor == second.BaseAddress, "both joiners on the second door, which carries nothing of the community yet");
            await first.AcceptInviteAsync(invite.Code);   // the second door is new to the community
            await next.AcceptInviteAsync(invite.Code);    // now it carries it (the first joiner is connected there)
            await last.AcceptInviteAsync(invite.Code);    // a later join: the fence for both counts
            foreach (var (client, _, log) in logs)
            {
                var fence = $"MemberJoined {community.Id} {last.UserId}";
                await Eventually.ReturnsAsync(() => Task.FromResult(log.ToArray()), l => l.Contains(fence), TimeSpan.FromSeconds(15), "the last joiner's MemberJoined");
                var events = log.ToArray();
                var own = $"MemberJoined {community.Id} {client.UserId}";
                events.ShouldContain($"CommunityJoined {community.Id}");
                events.Count(e => e == own).ShouldBe(1, string.Join("\n", events));
                Array.IndexOf(events, $"CommunityJoined {community.Id}").ShouldBeLessThan(Array.IndexOf(events, own), string.Join("\n", events));
            }
        }
        finally
        {
            foreach (var (_, gateway, _) in logs)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The listener's door goes away and the SDK moves to the other one. With a co-hosted second door its silo leaves too
    /// (killed, or stopped gracefully): the stream subscriptions Ready needs on the surviving door must fail over with the
    /// pub-sub grains that lived on that silo (they once failed for minutes: a failed subscription stayed cached).
    /// </summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task Gateway_ReconnectsToTheNextFrontDoor_FillsTheGap_AndCompletesASendStartedWhileMoving(bool frontDoorOnly, bool graceful)
    {
        var logs = new LogCapture("second door");
        var second = await ChaosServer.StartAsync(fixture.ConnectionString, new Dictionary<string, string?> { ["Chaos:FrontDoorOnly"] = frontDoorOnly ? "true" : "false" }, logs.AddTo);
        using var sender = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        using var listener = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        var (_, channelId) = await SdkUsers.CommunityAsync(sender, listener);
        var (gateway, recorded) = await SdkUsers.GatewayAsync(listener, GatewayProtocol.Json, second.BaseAddress, fixture.Server.BaseAddress);
        var attempts = new ConcurrentQueue<string>();
        var started = DateTime.UtcNow;
        gateway.Disconnected += e => attempts.Enqueue($"{(DateTime.UtcNow - started).TotalSeconds:0.0}s disconnected: {e?.GetType().Name} {e?.Message}");
        gateway.ConnectFailed += (door, e) => attempts.Enqueue($"{(DateTime.UtcNow - started).TotalSeconds:0.0}s {door} failed: {e.GetType().Name} {e.Message}");
        gateway.Reconnected += door => attempts.Enqueue($"{(DateTime.UtcNow - started).TotalSeconds:0.0}s reconnected to {door}");
        await using (gateway)
        {
            gateway.FrontDoor.ShouldBe(second.BaseAddress);
            await sender.SendMessageAsync(channelId, "m0");
            await recorded.WaitForCountAsync(channelId, 1);

            // The listener's front door goes away (graceful stop, or host stopped with a cancelled token and sockets
            // aborted); the gateway moves to the other door.
            if (graceful)
            {
                await second.DisposeAsync();
            }
            else
            {
                await second.KillAsync();
            }

            // Started while the gateway has no connection: it waits for the next one and sends then, once.
            var moving = gateway.SendMessageAsync(channelId, "sent while moving");
            for (var i = 1; i <= 5; i++)
            {
                await sender.SendMessageAsync(channelId, $"m{i}");
            }

            try
            {
                await Eventually.ReturnsAsync(() => Task.FromResult(gateway.FrontDoor), d => d == fixture.Server.BaseAddress && gateway.IsConnected, TimeSpan.FromSeconds(60), "a reconnect to the first door");
            }
            catch (TimeoutException timeout)
            {
                throw new TimeoutException($"{timeout.Message} (first door {fixture.Server.BaseAddress}); attempts: {string.Join(" | ", attempts)}\n{fixture.Logs.Text}\n{logs.Text}", timeout);
            }

            await sender.SendMessageAsync(channelId, "m6");
            Chaos.Client.Messages.Message mine;
            try
            {
                mine = await moving;
            }
            catch (Exception failed)
            {
                // Once seen failing (send retry timeout passed before the reconnect): say when each door move happened.
                throw new InvalidOperationException($"The send started while moving failed after {(DateTime.UtcNow - started).TotalSeconds:0.0}s; attempts: {string.Join(" | ", attempts)}\n{fixture.Logs.Text}\n{logs.Text}", failed);
            }

            var seen = await recorded.WaitForCountAsync(channelId, 8, TimeSpan.FromSeconds(60));
            seen.Where(m => m.Content != "sent while moving").Select(m => m.Content).ShouldBe(Enumerable.Range(0, 7).Select(i => $"m{i}"));
            seen.Count(m => m.Content == "sent while moving").ShouldBe(1);
            seen.Single(m => m.Content == "sent while moving").Id.ShouldBe(mine.Id);
            seen.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, 8).Select(i => (long)i));
            (await sender.GetMessagesAsync(channelId)).Count(m => m.Content == "sent while moving").ShouldBe(1);
        }
    }
}
