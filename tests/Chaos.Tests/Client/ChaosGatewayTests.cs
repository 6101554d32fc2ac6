using System.Collections.Concurrent;
using System.Net;
using Chaos.Client;
using Chaos.Client.Communities;
using Chaos.Client.Errors;
using Chaos.Client.Gateway;
using Chaos.Client.Messages;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Client;

/// <summary>The SDK's gateway against a real front door: typed events in both protocols, sends, gap filling.</summary>
[Collection(GatewayServer.Name)]
public sealed class ChaosGatewayTests(ApiFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private Uri Door => fixture.Server.BaseAddress;

    [Theory]
    [InlineData(GatewayProtocol.Json)]
    [InlineData(GatewayProtocol.MessagePack)]
    public async Task Events_ArriveTyped(GatewayProtocol protocol)
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        using var member = await SdkUsers.RegisterAsync(Door);
        var (community, channelId) = await SdkUsers.CommunityAsync(owner);
        await using var gateway = new ChaosGateway(owner, new ChaosGatewayOptions { Protocol = protocol });
        ReadyEvent? ready = null;
        var created = new ConcurrentQueue<Message>();
        var updated = new ConcurrentQueue<Message>();
        var deleted = new ConcurrentQueue<MessageDeleted>();
        var typing = new ConcurrentQueue<TypingStarted>();
        var joined = new ConcurrentQueue<Member>();
        var channels = new ConcurrentQueue<Channel>();
        var roles = new ConcurrentQueue<RoleEvent>();
        gateway.Ready += r => ready = r;
        gateway.MessageCreated += created.Enqueue;
        gateway.MessageUpdated += updated.Enqueue;
        gateway.MessageDeleted += deleted.Enqueue;
        gateway.TypingStarted += typing.Enqueue;
        gateway.MemberJoined += joined.Enqueue;
        gateway.ChannelCreated += channels.Enqueue;
        gateway.RoleCreated += roles.Enqueue;

        await gateway.StartAsync();

        ready.ShouldNotBeNull();
        ready.User.Id.ShouldBe(owner.UserId);
        ready.Communities.ShouldContain(c => c.Id == community.Id && c.Channels.Any(ch => ch.Id == channelId));
        var invite = await owner.CreateInviteAsync(community.Id);
        await member.AcceptInviteAsync(invite.Code);
        await Eventually.ReturnsAsync(() => Task.FromResult(joined.ToArray()), j => j.Any(m => m.User.Id == member.UserId && m.CommunityId == community.Id), Timeout, "MemberJoined");

        var sent = await member.SendMessageAsync(channelId, $"hello <@{owner.UserId}>");
        var message = await Eventually.ReturnsAsync(() => Task.FromResult(created.FirstOrDefault(m => m.Id == sent.Id)), m => m is not null, Timeout, "MessageCreated");
        message!.Author.Id.ShouldBe(member.UserId);
        message.Seq.ShouldBe(sent.Seq);
        message.Mentions.ShouldBe([owner.UserId!]);
        message.CreatedAt.ShouldBe(sent.CreatedAt);

        await member.EditMessageAsync(channelId, sent.Id, "edited");
        (await Eventually.ReturnsAsync(() => Task.FromResult(updated.FirstOrDefault(m => m.Id == sent.Id)), m => m is not null, Timeout, "MessageUpdated"))!.Content.ShouldBe("edited");
        await member.TriggerTypingAsync(channelId);
        (await Eventually.ReturnsAsync(() => Task.FromResult(typing.FirstOrDefault()), t => t is not null, Timeout, "TypingStarted"))!.UserId.ShouldBe(member.UserId);
        await member.DeleteMessageAsync(channelId, sent.Id);
        await Eventually.ReturnsAsync(() => Task.FromResult(deleted.ToArray()), d => d.Any(x => x.MessageId == sent.Id && x.ChannelId == channelId), Timeout, "MessageDeleted");

        var channel = await owner.CreateChannelAsync(community.Id, "fresh");
        await Eventually.ReturnsAsync(() => Task.FromResult(channels.ToArray()), c => c.Any(x => x.Id == channel.Id && x.Name == "fresh" && x.Type == ChannelType.Text), Timeout, "ChannelCreated");
        var role = await owner.CreateRoleAsync(community.Id, "typed", ChaosPermissions.KickMembers);
        await Eventually.ReturnsAsync(() => Task.FromResult(roles.ToArray()), r => r.Any(x => x.Role.Id == role.Id && x.Role.Permissions == ChaosPermissions.KickMembers), Timeout, "RoleCreated");
    }

    [Theory]
    [InlineData(GatewayProtocol.Json)]
    [InlineData(GatewayProtocol.MessagePack)]
    public async Task CommunityJoinedAndLeft_ArriveTyped(GatewayProtocol protocol)
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        await using var gateway = new ChaosGateway(owner, new ChaosGatewayOptions { Protocol = protocol });
        var joined = new ConcurrentQueue<Community>();
        var left = new ConcurrentQueue<CommunityLeft>();
        var created = new ConcurrentQueue<Message>();
        gateway.CommunityJoined += joined.Enqueue;
        gateway.CommunityLeft += left.Enqueue;
        gateway.MessageCreated += created.Enqueue;
        await gateway.StartAsync();

        // Created while connected: the community and its first message arrive without reconnecting.
        var community = await owner.CreateCommunityAsync("joined " + protocol);
        var channelId = community.Channels.First(c => c.Type == ChannelType.Text).Id;
        await Eventually.ReturnsAsync(() => Task.FromResult(joined.Any(c => c.Id == community.Id && c.Channels.Any(ch => ch.Id == channelId))), found => found, Timeout, "CommunityJoined");
        var sent = await owner.SendMessageAsync(channelId, "first");
        await Eventually.ReturnsAsync(() => Task.FromResult(created.Any(m => m.Id == sent.Id)), found => found, Timeout, "MessageCreated");

        await owner.DeleteCommunityAsync(community.Id);
        (await Eventually.ReturnsAsync(() => Task.FromResult(left.FirstOrDefault(l => l.Id == community.Id)), l => l is not null, Timeout, "CommunityLeft"))!
            .Reason.ShouldBe("deleted");
    }

    [Theory]
    [InlineData(GatewayProtocol.Json)]
    [InlineData(GatewayProtocol.MessagePack)]
    public async Task SendMessage_ThroughTheGateway_ReturnsTheMessage_AndTheSameNonceReturnsTheOriginal(GatewayProtocol protocol)
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner);
        var (gateway, recorded) = await SdkUsers.GatewayAsync(owner, protocol);
        await using (gateway)
        {
            var first = await gateway.SendMessageAsync(channelId, "via hub");
            first.Nonce.ShouldNotBeNullOrEmpty();
            first.Seq.ShouldBe(1);
            var repeat = await gateway.SendMessageAsync(channelId, "via hub", first.Nonce);
            repeat.Id.ShouldBe(first.Id);

            var seen = await recorded.WaitForCountAsync(channelId, 1);
            seen.Single().Id.ShouldBe(first.Id);
            var read = await gateway.AckAsync(channelId, first.Id);
            read.LastReadMessageId.ShouldBe(first.Id);
        }
    }

    [Fact]
    public async Task HubRefusals_AreTypedErrors()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        using var stranger = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner);
        await using var gateway = new ChaosGateway(stranger);
        await gateway.StartAsync();

        var invalid = await Should.ThrowAsync<ChaosApiException>(() => gateway.SendMessageAsync(channelId, "   "));
        invalid.Code.ShouldBe(ErrorCodes.ValidationFailed);
        invalid.Status.ShouldBe(HttpStatusCode.BadRequest);

        var outsider = await Should.ThrowAsync<ChaosApiException>(() => gateway.SendMessageAsync(channelId, "let me in"));
        outsider.Status.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
        outsider.Code.ShouldNotBe(ErrorCodes.Unknown);
    }

    [Fact]
    public async Task Reconnect_AfterTheStatefulWindow_FillsMissedMessagesFromHistory_InOrder_WithoutDuplicates()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        using var listener = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner, listener);
        var (gateway, recorded) = await SdkUsers.GatewayAsync(listener);
        await using (gateway)
        {
            await owner.SendMessageAsync(channelId, "before");
            await recorded.WaitForCountAsync(channelId, 1);

            // A fresh connection, as after an outage longer than the stateful-reconnect window: the server holds nothing for us.
            await gateway.StopAsync();
            for (var i = 0; i < 7; i++)
            {
                await owner.SendMessageAsync(channelId, $"missed {i}");
            }

            await gateway.StartAsync();
            await owner.SendMessageAsync(channelId, "after");

            var seen = await recorded.WaitForCountAsync(channelId, 9);
            seen.Select(m => m.Content).ShouldBe(["before", .. Enumerable.Range(0, 7).Select(i => $"missed {i}"), "after"]);
            seen.Select(m => m.Seq).ShouldBe(Enumerable.Range(1, 9).Select(i => (long)i));
            gateway.FilledFromHistory.ShouldBe(7);
            // Nothing else trickles in afterwards (a duplicate would come from the live stream right behind the fill).
            await owner.SendMessageAsync(channelId, "sentinel");
            (await recorded.WaitForCountAsync(channelId, 10)).Count.ShouldBe(10);
        }
    }

    [Fact]
    public async Task SeqJump_IsFilledFromHistory_BeforeTheJumpingMessage()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner);
        var sent = new List<Message>();
        for (var i = 1; i <= 5; i++)
        {
            sent.Add(await owner.SendMessageAsync(channelId, $"m{i}"));
        }

        // Not started: events are fed by hand, as if the stream had lost m2..m4 on the way.
        await using var gateway = new ChaosGateway(owner);
        var raised = new List<Message>();
        gateway.MessageCreated += raised.Add;

        await gateway.OnMessageCreatedAsync(sent[0]);
        await gateway.OnMessageCreatedAsync(sent[4]);
        await gateway.OnMessageCreatedAsync(sent[2]);
        await gateway.OnMessageCreatedAsync(sent[4]);

        raised.Select(m => m.Seq).ShouldBe([1L, 2L, 3L, 4L, 5L]);
        raised.Select(m => m.Content).ShouldBe(["m1", "m2", "m3", "m4", "m5"]);
        gateway.FilledFromHistory.ShouldBe(3);
    }

    [Fact]
    public async Task SendMessage_OnAStoppedGateway_Fails_AndTheSameNonceAfterRestart_CreatesNoDuplicate()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        var (_, channelId) = await SdkUsers.CommunityAsync(owner);
        var (gateway, recorded) = await SdkUsers.GatewayAsync(owner);
        await using (gateway)
        {
            await gateway.StopAsync();
            var stopped = Should.ThrowAsync<InvalidOperationException>(() => gateway.SendMessageAsync(channelId, "too early"));
            await stopped;
            await gateway.StartAsync();
            var message = await gateway.SendMessageAsync(channelId, "retried", nonce: "fixed-nonce");
            var again = await gateway.SendMessageAsync(channelId, "retried", nonce: "fixed-nonce");
            again.Id.ShouldBe(message.Id);
            (await owner.GetMessagesAsync(channelId)).Count(m => m.Content == "retried").ShouldBe(1);
            (await recorded.WaitForCountAsync(channelId, 1)).Single().Id.ShouldBe(message.Id);
        }
    }
}
