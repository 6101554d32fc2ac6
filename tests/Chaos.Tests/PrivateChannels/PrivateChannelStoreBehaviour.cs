using Chaos.PrivateChannels;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.PrivateChannels;

/// <summary>The behaviour every <see cref="IPrivateChannelStore"/> must have; run once per implementation.</summary>
public abstract class PrivateChannelStoreBehaviour
{
    protected abstract IPrivateChannelStore Store { get; }

    [Fact]
    public async Task GetChannelIds_OfAUserInNone_IsEmpty()
    {
        (await Store.GetChannelIdsOfUserAsync(FreshId.Next(), 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AddRecipients_PutsTheChannelInEachRecipientsList()
    {
        var (channel, a, b) = (FreshId.Next(), FreshId.Next(), FreshId.Next());

        await Store.AddRecipientsAsync(channel, [a, b], group: false);

        (await Store.GetChannelIdsOfUserAsync(a, 10)).ShouldBe([channel]);
        (await Store.GetChannelIdsOfUserAsync(b, 10)).ShouldBe([channel]);
    }

    [Fact]
    public async Task AddRecipients_Again_ListsTheChannelOnce()
    {
        var (channel, user) = (FreshId.Next(), FreshId.Next());
        await Store.AddRecipientsAsync(channel, [user], group: false);

        await Store.AddRecipientsAsync(channel, [user, user], group: false);

        (await Store.GetChannelIdsOfUserAsync(user, 10)).ShouldBe([channel]);
    }

    [Fact]
    public async Task GetChannelIds_AreNewestFirst_UpToTheLimit()
    {
        var user = FreshId.Next();
        var channels = FreshId.Many(4);
        foreach (var channel in new[] { channels[1], channels[3], channels[0], channels[2] })
        {
            await Store.AddRecipientsAsync(channel, [user], group: false);
        }

        (await Store.GetChannelIdsOfUserAsync(user, 10)).ShouldBe([channels[3], channels[2], channels[1], channels[0]]);
        (await Store.GetChannelIdsOfUserAsync(user, 2)).ShouldBe([channels[3], channels[2]]);
    }

    [Fact]
    public async Task RemoveRecipient_TakesTheChannelFromThatUserOnly_AndRemovingNothingIsHarmless()
    {
        var (channel, other, a, b) = (FreshId.Next(), FreshId.Next(), FreshId.Next(), FreshId.Next());
        await Store.AddRecipientsAsync(channel, [a, b], group: false);
        await Store.AddRecipientsAsync(other, [a], group: false);

        await Store.RemoveRecipientAsync(channel, a);
        await Store.RemoveRecipientAsync(channel, a);
        await Store.RemoveRecipientAsync(channel, FreshId.Next());

        (await Store.GetChannelIdsOfUserAsync(a, 10)).ShouldBe([other]);
        (await Store.GetChannelIdsOfUserAsync(b, 10)).ShouldBe([channel]);
    }

    [Fact]
    public async Task CountGroups_CountsGroupsOnly_AndFollowsLeaving()
    {
        var user = FreshId.Next();
        var (dm, first, second) = (FreshId.Next(), FreshId.Next(), FreshId.Next());
        await Store.AddRecipientsAsync(dm, [user, FreshId.Next()], group: false);
        await Store.AddRecipientsAsync(first, [user, FreshId.Next(), FreshId.Next()], group: true);
        await Store.AddRecipientsAsync(second, [user], group: true);
        await Store.AddRecipientsAsync(second, [user], group: true);

        (await Store.CountGroupsOfUserAsync(user)).ShouldBe(2);
        (await Store.CountGroupsOfUserAsync(FreshId.Next())).ShouldBe(0);

        await Store.RemoveRecipientAsync(first, user);
        (await Store.CountGroupsOfUserAsync(user)).ShouldBe(1);
    }
}
