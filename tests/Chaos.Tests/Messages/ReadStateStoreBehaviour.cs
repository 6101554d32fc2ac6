using Chaos.Messages;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Messages;

/// <summary>The behaviour every <see cref="IReadStateStore"/> must have, over the message store it counts from; run once per implementation.</summary>
public abstract class ReadStateStoreBehaviour
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract IMessageStore Messages { get; }

    protected abstract IReadStateStore ReadStates { get; }

    [Fact]
    public async Task Get_WithoutAReadState_IsNull()
    {
        var channel = await SeedAsync(2);

        (await ReadStates.GetAsync(FreshId.Next(), channel.Id)).ShouldBeNull();
    }

    [Fact]
    public async Task Set_ThenGet_CountsTheMessagesAfterIt_AsUnread()
    {
        var channel = await SeedAsync(5);
        var user = FreshId.Next();

        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(2), 2);

        (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(2), 3, 0));
    }

    [Fact]
    public async Task Set_NeverMovesBackward()
    {
        var channel = await SeedAsync(5);
        var user = FreshId.Next();
        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(4), 4);

        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(2), 2);
        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(4), 4);
        (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(4), 1, 0));

        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(5), 5);
        (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(5), 0, 0));
    }

    [Fact]
    public async Task Unread_InAnEmptyChannelOrPastItsEnd_IsZero()
    {
        var (empty, channel) = (new TestChannel(), await SeedAsync(3));
        var user = FreshId.Next();

        await ReadStates.SetAsync(user, empty.Id, empty.IdFor(1), 1);
        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(9), 9);

        (await ReadStates.GetAsync(user, empty.Id)).ShouldBe(new ReadState(empty.Id, empty.IdFor(1), 0, 0));
        (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(9), 0, 0));
    }

    [Fact]
    public async Task Mentions_CountTheUnreadMessagesNamingTheUser_OnceEach_AndNotDeletedOnes()
    {
        var (user, other) = (FreshId.Next(), FreshId.Next());
        var channel = new TestChannel();
        await Messages.AppendAsync(
            [
                channel.Next(mentions: [user]),
                channel.Next(),
                channel.Next(mentions: [user, other]),
                channel.Next(mentions: [other]),
                channel.Next(mentions: [user]),
                channel.Next(mentions: [user, user]),
            ],
            None);
        (await Messages.DeleteAsync(channel.Id, channel.IdFor(5), None)).ShouldBeTrue();

        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(2), 2);
        await ReadStates.SetAsync(other, channel.Id, channel.IdFor(3), 3);

        (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(2), 4, 2));
        (await ReadStates.GetAsync(other, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(3), 3, 1));
    }

    [Fact]
    public async Task Mentions_AreCountedBeyondOnePageOfMessages()
    {
        var user = FreshId.Next();
        var channel = new TestChannel();
        await Messages.AppendAsync([.. Enumerable.Range(0, 250).Select(_ => channel.Next(mentions: [user]))], None);

        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(10), 10);

        (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(10), 240, 240));
    }

    [Fact]
    public async Task Mentions_FollowEdits_AndDeletes()
    {
        var (user, other) = (FreshId.Next(), FreshId.Next());
        var channel = new TestChannel();
        await Messages.AppendAsync([channel.Next(mentions: [user]), channel.Next(mentions: [other]), channel.Next(mentions: [user])], None);
        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(0), 0);
        await ReadStates.SetAsync(other, channel.Id, channel.IdFor(0), 0);

        (await Messages.UpdateContentAsync(channel.Id, channel.IdFor(1), "no longer", [], DateTimeOffset.UtcNow, None)).ShouldNotBeNull();
        (await Messages.UpdateContentAsync(channel.Id, channel.IdFor(2), "both now", [other, user], DateTimeOffset.UtcNow, None)).ShouldNotBeNull();
        (await ReadStates.GetAsync(user, channel.Id))!.MentionCount.ShouldBe(2);
        (await ReadStates.GetAsync(other, channel.Id))!.MentionCount.ShouldBe(1);

        (await Messages.DeleteAsync(channel.Id, channel.IdFor(2), None)).ShouldBeTrue();
        (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(0), 3, 1));
        (await ReadStates.GetAsync(other, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(0), 3, 0));
    }

    [Fact]
    public async Task Mentions_AreCountedUpToTheBound()
    {
        var user = FreshId.Next();
        var channel = new TestChannel();
        await Messages.AppendAsync([.. Enumerable.Range(0, MessageRules.MaxCountedMentions + 5).Select(_ => channel.Next(mentions: [user]))], None);

        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(1), 1);
        (await ReadStates.GetAsync(user, channel.Id))!.MentionCount.ShouldBe(MessageRules.MaxCountedMentions);

        await ReadStates.SetAsync(user, channel.Id, channel.IdFor(10), 10);
        (await ReadStates.GetAsync(user, channel.Id))!.MentionCount.ShouldBe(MessageRules.MaxCountedMentions - 5);
    }

    [Fact]
    public async Task Counts_StayExact_UnderConcurrentSendsAndAcks()
    {
        var users = FreshId.Many(6);
        var channel = new TestChannel();
        const int batches = 20;
        const int perBatch = 25;

        // Every third message mentions one of the users, round robin; batches are appended concurrently, in any order.
        var all = Enumerable.Range(0, batches * perBatch).Select(i => channel.Next(mentions: i % 3 == 0 ? [users[i / 3 % users.Length]] : null)).ToList();
        var sends = all.Chunk(perBatch).Select(batch => Task.Run(() => Messages.AppendAsync(batch, None)));
        var acks = users.Select((user, n) => Task.Run(async () =>
        {
            for (var seq = 1L; seq <= all.Count; seq += 37 + n)
            {
                await ReadStates.SetAsync(user, channel.Id, channel.IdFor(seq), seq);
                await ReadStates.GetAsync(user, channel.Id);
            }
        }));
        await Task.WhenAll([.. sends, .. acks]);

        foreach (var (user, n) in users.Select((u, n) => (u, n)))
        {
            var read = 1L + ((all.Count - 1) / (37 + n) * (37 + n));
            var mentions = all.Count(m => m.Seq > read && m.Mentions.Contains(user));
            (await ReadStates.GetAsync(user, channel.Id)).ShouldBe(new ReadState(channel.Id, channel.IdFor(read), (int)(all.Count - read), mentions));
        }
    }

    [Fact]
    public async Task GetForUser_IsEveryReadStateOfTheUser_InChannelIdOrder()
    {
        var (first, second) = (await SeedAsync(3), await SeedAsync(2));
        var (user, other) = (FreshId.Next(), FreshId.Next());
        await ReadStates.SetAsync(user, second.Id, second.IdFor(1), 1);
        await ReadStates.SetAsync(user, first.Id, first.IdFor(3), 3);
        await ReadStates.SetAsync(other, first.Id, first.IdFor(1), 1);

        (await ReadStates.GetForUserAsync(user)).ShouldBe(
        [
            new ReadState(first.Id, first.IdFor(3), 0, 0),
            new ReadState(second.Id, second.IdFor(1), 1, 0),
        ]);
        (await ReadStates.GetForUserAsync(FreshId.Next())).ShouldBeEmpty();
    }

    private async Task<TestChannel> SeedAsync(int count)
    {
        var channel = new TestChannel();
        await Messages.AppendAsync(channel.NextMany(count), None);
        return channel;
    }
}
