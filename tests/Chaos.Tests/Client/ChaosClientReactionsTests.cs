using Chaos.Client;
using Chaos.Client.Errors;
using Chaos.Client.Gateway;
using Chaos.Client.Messages;
using Chaos.Tests.Accounts;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Client;

/// <summary>The SDK's reactions, pins, search, mentions and notification settings, with their gateway events, against a real front door.</summary>
[Collection(AccountsServer.Name)]
public sealed class ChaosClientReactionsTests(ApiFixture fixture)
{
    private Uri Door => fixture.Server.BaseAddress;

    [Fact]
    public async Task ReactionsPinsSearchMentionsAndSettings_RoundTripThroughTheSdk()
    {
        using var owner = await SdkUsers.RegisterAsync(Door);
        using var member = await SdkUsers.RegisterAsync(Door);
        var (community, channelId) = await SdkUsers.CommunityAsync(owner, member);
        var pins = new TaskCompletionSource<ChannelPinsUpdated>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = new ChaosGateway(member, new ChaosGatewayOptions { FrontDoors = { Door } });
        var added = new TaskCompletionSource<ReactionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.ReactionAdded += e => added.TrySetResult(e);
        gateway.ChannelPinsUpdated += e => pins.TrySetResult(e);
        await gateway.StartAsync();
        var word = "sdk" + Guid.NewGuid().ToString("N")[..10];
        var message = await owner.SendMessageAsync(channelId, $"{word} <@{member.UserId}>");

        await owner.AddReactionAsync(channelId, message.Id, "🎉");
        await member.AddReactionAsync(channelId, message.Id, "🎉");
        await member.RemoveReactionAsync(channelId, message.Id, "🎉");
        await member.AddReactionAsync(channelId, message.Id, "🎉");
        await owner.RemoveUserReactionAsync(channelId, message.Id, "🎉", member.UserId!);
        await owner.PinMessageAsync(channelId, message.Id);

        var seen = await member.GetMessageAsync(channelId, message.Id);
        seen.Reactions.ShouldBe([new Reaction("🎉", 1, false)]);
        seen.Pinned.ShouldBeTrue();
        (await member.GetReactionUsersAsync(channelId, message.Id, "🎉")).Select(u => u.Id).ShouldBe([owner.UserId]);
        (await member.GetPinsAsync(channelId)).Select(m => m.Id).ShouldBe([message.Id]);
        (await member.SearchCommunityAsync(community.Id, word)).Messages.Select(m => m.Id).ShouldBe([message.Id]);
        (await member.SearchChannelAsync(channelId, word)).Messages.Select(m => m.Id).ShouldBe([message.Id]);
        (await member.GetMentionsAsync()).Messages.Select(m => m.Id).ShouldBe([message.Id]);
        var setting = await member.SetNotificationSettingAsync(community.Id, "mentions", DateTimeOffset.UnixEpoch.AddYears(70));
        setting.Level.ShouldBe("mentions");
        (await member.GetNotificationSettingsAsync()).Single().TargetId.ShouldBe(community.Id);
        (await Should.ThrowAsync<ChaosApiException>(() => member.AddReactionAsync(channelId, message.Id, ":tada:"))).Code.ShouldBe(ErrorCodes.ValidationFailed);
        (await Should.ThrowAsync<ChaosApiException>(() => member.PinMessageAsync(channelId, message.Id))).Code.ShouldBe(ErrorCodes.MissingPermission);

        var reaction = await added.Task.WaitAsync(TimeSpan.FromSeconds(30));
        reaction.MessageId.ShouldBe(message.Id);
        reaction.Emoji.ShouldBe("🎉");
        (await pins.Task.WaitAsync(TimeSpan.FromSeconds(30))).ChannelId.ShouldBe(channelId);
    }
}
