using Chaos.Ai;

namespace Chaos.Tests.Ai;

/// <summary>The behaviour every moderation store must have; run against PostgreSQL and the standalone in-memory store.</summary>
public abstract class ModerationStoreBehaviour
{
    private static long lastId = Random.Shared.NextInt64(1L << 30, 1L << 40);
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    protected abstract IModerationStore Store { get; }

    private static long Fresh() => Interlocked.Add(ref lastId, 10);

    private static ModerationItem Item(long communityId, long id) =>
        new(id, communityId, Fresh(), Fresh(), Fresh(), "spam", "Buy now.", ModerationStatus.Open, At);

    [Fact]
    public async Task Items_PageNewestFirst_ByStatus_AndBefore()
    {
        var community = Fresh();
        var ids = new[] { Fresh(), Fresh(), Fresh() };
        foreach (var id in ids)
        {
            (await Store.AddAsync(Item(community, id))).ShouldBeTrue();
        }

        (await Store.AddAsync(Item(Fresh(), Fresh()))).ShouldBeTrue();
        (await Store.PageAsync(community, null, null, 10)).Select(i => i.Id).ShouldBe(ids.Reverse());
        (await Store.PageAsync(community, null, ids[2], 10)).Select(i => i.Id).ShouldBe([ids[1], ids[0]]);
        (await Store.PageAsync(community, null, null, 1)).Select(i => i.Id).ShouldBe([ids[2]]);

        (await Store.DecideAsync(community, ids[1], ModerationStatus.Dismissed, Fresh(), At)).ShouldNotBeNull().Status.ShouldBe(ModerationStatus.Dismissed);
        (await Store.PageAsync(community, ModerationStatus.Open, null, 10)).Select(i => i.Id).ShouldBe([ids[2], ids[0]]);
        (await Store.PageAsync(community, ModerationStatus.Dismissed, null, 10)).Select(i => i.Id).ShouldBe([ids[1]]);
        var read = (await Store.GetAsync(community, ids[0])).ShouldNotBeNull();
        read.ShouldBe(Item(community, ids[0]) with { ChannelId = read.ChannelId, MessageId = read.MessageId, AuthorId = read.AuthorId });
    }

    [Fact]
    public async Task AMessage_IsQueuedOnce_AndAnItemIsDecidedOnce()
    {
        var community = Fresh();
        var item = Item(community, Fresh());
        (await Store.AddAsync(item)).ShouldBeTrue();
        (await Store.AddAsync(item with { Id = Fresh() })).ShouldBeFalse();

        (await Store.DecideAsync(community, item.Id, ModerationStatus.Removed, Fresh(), At)).ShouldNotBeNull().Status.ShouldBe(ModerationStatus.Removed);
        (await Store.DecideAsync(community, item.Id, ModerationStatus.Dismissed, Fresh(), At)).ShouldBeNull();
        (await Store.DecideAsync(Fresh(), item.Id, ModerationStatus.Dismissed, Fresh(), At)).ShouldBeNull();
        (await Store.GetAsync(Fresh(), item.Id)).ShouldBeNull();
        (await Store.GetAsync(community, item.Id)).ShouldNotBeNull().Status.ShouldBe(ModerationStatus.Removed);
    }
}
