using System.Diagnostics;
using System.Threading.Channels;
using Chaos.Messages;

namespace Chaos.Tests.Messages;

/// <summary>The behaviour every <see cref="IMessageStore"/> must have; run once per implementation.</summary>
public abstract class MessageStoreBehaviour
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract IMessageStore Store { get; }

    /// <summary>Called after a bulk load, before the load is read back.</summary>
    protected virtual Task AfterBulkLoadAsync() => Task.CompletedTask;

    /// <summary>Where a test reports figures (timings); nowhere unless the concrete suite has an output.</summary>
    protected virtual void Report(string line)
    {
    }

    [Fact]
    public async Task Append_ThenGet_RoundTripsEveryField()
    {
        var channel = new TestChannel();
        var original = channel.Make(1);
        var full = channel.Make(2) with
        {
            Content = "héllo 🌍\nsecond line",
            CreatedAt = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1230),
            EditedAt = new DateTimeOffset(2026, 5, 6, 9, 0, 0, TimeSpan.Zero).AddTicks(4560),
            ReplyToId = original.Id,
            Nonce = new string('n', 64),
            Mentions = [7, 8, long.MaxValue],
            Flags = 5,
        };

        await Store.AppendAsync([original, full], None);

        (await Store.GetAsync(channel.Id, original.Id, None)).ShouldMatch(original);
        (await Store.GetAsync(channel.Id, full.Id, None)).ShouldMatch(full);
    }

    [Fact]
    public async Task Get_UnknownMessageOrOtherChannel_IsNull()
    {
        var channel = new TestChannel();
        var message = channel.Next();
        await Store.AppendAsync([message], None);

        (await Store.GetAsync(channel.Id, message.Id + 1, None)).ShouldBeNull();
        (await Store.GetAsync(new TestChannel().Id, message.Id, None)).ShouldBeNull();
    }

    [Fact]
    public async Task Append_EmptyBatch_WritesNothing()
    {
        var channel = new TestChannel();
        await Store.AppendAsync([], None);
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(0);
    }

    [Fact]
    public async Task Page_WithoutCursor_IsTheNewestOldestFirst()
    {
        var channel = await SeedAsync(10);

        (await Store.PageAsync(channel.Id, null, null, 3, None)).Seqs().ShouldBe([8, 9, 10]);
        (await Store.PageAsync(channel.Id, null, null, 100, None)).Seqs().ShouldBe(Enumerable.Range(1, 10).Select(n => (long)n));
    }

    [Fact]
    public async Task Page_Before_IsTheItemsJustOlderOldestFirst()
    {
        var channel = await SeedAsync(10);

        (await Store.PageAsync(channel.Id, channel.IdFor(6), null, 3, None)).Seqs().ShouldBe([3, 4, 5]);
        (await Store.PageAsync(channel.Id, channel.IdFor(3), null, 3, None)).Seqs().ShouldBe([1, 2]);
        (await Store.PageAsync(channel.Id, channel.IdFor(1), null, 3, None)).ShouldBeEmpty();

        // A cursor need not be an existing id: keyset compares, it does not look the cursor up.
        (await Store.PageAsync(channel.Id, channel.IdFor(6) - 1, null, 2, None)).Seqs().ShouldBe([4, 5]);
    }

    [Fact]
    public async Task Page_After_IsTheItemsJustNewerOldestFirst()
    {
        var channel = await SeedAsync(10);

        (await Store.PageAsync(channel.Id, null, channel.IdFor(3), 3, None)).Seqs().ShouldBe([4, 5, 6]);
        (await Store.PageAsync(channel.Id, null, channel.IdFor(8), 3, None)).Seqs().ShouldBe([9, 10]);
        (await Store.PageAsync(channel.Id, null, channel.IdFor(10), 3, None)).ShouldBeEmpty();
        (await Store.PageAsync(channel.Id, null, 0, 2, None)).Seqs().ShouldBe([1, 2]);
    }

    [Fact]
    public async Task Page_WithBothCursors_IsTheItemsJustNewerThanAfterAndOlderThanBefore()
    {
        var channel = await SeedAsync(10);

        (await Store.PageAsync(channel.Id, channel.IdFor(6), channel.IdFor(2), 10, None)).Seqs().ShouldBe([3, 4, 5]);
        (await Store.PageAsync(channel.Id, channel.IdFor(9), channel.IdFor(2), 2, None)).Seqs().ShouldBe([3, 4]);
    }

    [Fact]
    public async Task Page_OfAnEmptyOrUnknownChannel_IsEmpty()
    {
        (await Store.PageAsync(new TestChannel().Id, null, null, 50, None)).ShouldBeEmpty();
        (await Store.PageAsync(new TestChannel().Id, 1000, null, 50, None)).ShouldBeEmpty();
        (await Store.PageAsync(new TestChannel().Id, null, 1000, 50, None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Page_DoesNotMixChannels()
    {
        var channel = await SeedAsync(5);
        var neighbour = new TestChannel();
        await Store.AppendAsync(neighbour.NextMany(5), None);

        var page = await Store.PageAsync(channel.Id, null, null, 100, None);
        page.ShouldAllBe(m => m.ChannelId == channel.Id);
        page.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Page_WithLimitBelowOne_IsRefused()
    {
        var channel = await SeedAsync(1);
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Store.PageAsync(channel.Id, null, null, 0, None));
    }

    [Fact]
    public async Task Page_ExcludesDeletedMessages_InEveryDirection()
    {
        var channel = await SeedAsync(10);
        (await Store.DeleteAsync(channel.Id, channel.IdFor(9), None)).ShouldBeTrue();
        (await Store.DeleteAsync(channel.Id, channel.IdFor(4), None)).ShouldBeTrue();

        (await Store.PageAsync(channel.Id, null, null, 3, None)).Seqs().ShouldBe([7, 8, 10]);
        (await Store.PageAsync(channel.Id, channel.IdFor(6), null, 3, None)).Seqs().ShouldBe([2, 3, 5]);
        (await Store.PageAsync(channel.Id, null, channel.IdFor(2), 3, None)).Seqs().ShouldBe([3, 5, 6]);
    }

    [Fact]
    public async Task UpdateContent_ChangesContentMentionsAndEditTime_AndNothingElse()
    {
        var channel = new TestChannel();
        var message = channel.Next(nonce: "abc", mentions: [1, 2]);
        await Store.AppendAsync([message], None);
        var editedAt = TestChannel.BaseTime.AddMinutes(5);

        var updated = await Store.UpdateContentAsync(channel.Id, message.Id, "edited", [3], editedAt, None);

        var expected = message with { Content = "edited", Mentions = [3], EditedAt = editedAt };
        updated.ShouldMatch(expected);
        (await Store.GetAsync(channel.Id, message.Id, None)).ShouldMatch(expected);
        (await Store.PageAsync(channel.Id, null, null, 10, None)).Single().ShouldMatch(expected);
    }

    [Fact]
    public async Task UpdateContent_OfMissingOrDeletedMessage_IsNull()
    {
        var channel = await SeedAsync(2);
        (await Store.DeleteAsync(channel.Id, channel.IdFor(2), None)).ShouldBeTrue();

        (await Store.UpdateContentAsync(channel.Id, channel.IdFor(3), "x", [], TestChannel.BaseTime, None)).ShouldBeNull();
        (await Store.UpdateContentAsync(new TestChannel().Id, channel.IdFor(1), "x", [], TestChannel.BaseTime, None)).ShouldBeNull();
        (await Store.UpdateContentAsync(channel.Id, channel.IdFor(2), "x", [], TestChannel.BaseTime, None)).ShouldBeNull();
        (await Store.GetAsync(channel.Id, channel.IdFor(2), None))!.Content.ShouldBeEmpty();
    }

    [Fact]
    public async Task Delete_BlanksContentAndKeepsTheRowAndItsSeq()
    {
        var channel = new TestChannel();
        var message = channel.Next(content: "secret", nonce: "n1", mentions: [5]);
        await Store.AppendAsync([message], None);

        (await Store.DeleteAsync(channel.Id, message.Id, None)).ShouldBeTrue();

        (await Store.GetAsync(channel.Id, message.Id, None)).ShouldMatch(message with { Content = string.Empty, Mentions = [], Deleted = true });
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(1);
    }

    [Fact]
    public async Task Delete_OfMissingOrAlreadyDeletedMessage_IsFalse()
    {
        var channel = await SeedAsync(1);

        (await Store.DeleteAsync(channel.Id, channel.IdFor(2), None)).ShouldBeFalse();
        (await Store.DeleteAsync(new TestChannel().Id, channel.IdFor(1), None)).ShouldBeFalse();
        (await Store.DeleteAsync(channel.Id, channel.IdFor(1), None)).ShouldBeTrue();
        (await Store.DeleteAsync(channel.Id, channel.IdFor(1), None)).ShouldBeFalse();
    }

    [Fact]
    public async Task LastSeq_IsZeroForAnEmptyChannel_ThenTheHighestSeq_DeletedIncluded()
    {
        var channel = new TestChannel();
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(0);

        await Store.AppendAsync(channel.NextMany(7), None);
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(7);

        (await Store.DeleteAsync(channel.Id, channel.IdFor(7), None)).ShouldBeTrue();
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(7);

        var other = new TestChannel(firstSeq: 1000);
        await Store.AppendAsync([other.Next()], None);
        (await Store.GetLastSeqAsync(other.Id, None)).ShouldBe(1000);
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(7);
    }

    [Fact]
    public async Task FindByNonce_MatchesChannelAuthorNonceAndWindow()
    {
        var channel = new TestChannel();
        var other = new TestChannel();
        var mine = channel.Next(authorId: 1, nonce: "retry-me");
        await Store.AppendAsync([channel.Next(authorId: 1, nonce: "other"), mine, channel.Next(authorId: 2, nonce: "theirs"), channel.Next(authorId: 1)], None);
        await Store.AppendAsync([other.Next(authorId: 1, nonce: "elsewhere")], None);

        (await Store.FindByNonceAsync(channel.Id, 1, "retry-me", mine.CreatedAt.AddMinutes(-10), None)).ShouldMatch(mine);
        (await Store.FindByNonceAsync(channel.Id, 1, "retry-me", mine.CreatedAt, None)).ShouldMatch(mine);

        // Another author's nonce, another channel's nonce, and the window having passed all miss.
        (await Store.FindByNonceAsync(channel.Id, 2, "retry-me", TestChannel.BaseTime, None)).ShouldBeNull();
        (await Store.FindByNonceAsync(channel.Id, 1, "theirs", TestChannel.BaseTime, None)).ShouldBeNull();
        (await Store.FindByNonceAsync(channel.Id, 1, "elsewhere", TestChannel.BaseTime, None)).ShouldBeNull();
        (await Store.FindByNonceAsync(other.Id, 1, "retry-me", TestChannel.BaseTime, None)).ShouldBeNull();
        (await Store.FindByNonceAsync(channel.Id, 1, "retry-me", mine.CreatedAt.AddTicks(10), None)).ShouldBeNull();
        (await Store.FindByNonceAsync(channel.Id, 1, "RETRY-ME", TestChannel.BaseTime, None)).ShouldBeNull();
    }

    [Fact]
    public async Task FindByNonce_ReturnsTheNewestMatch()
    {
        var channel = new TestChannel();
        var first = channel.Next(nonce: "again");
        var second = channel.Next(nonce: "again");
        await Store.AppendAsync([first, second], None);

        (await Store.FindByNonceAsync(channel.Id, first.AuthorId, "again", TestChannel.BaseTime, None)).ShouldMatch(second);
        (await Store.FindByNonceAsync(channel.Id, first.AuthorId, "again", TestChannel.BaseTime, None))!.Id.ShouldNotBe(first.Id);
    }

    [Fact]
    public async Task FindByNonces_AnswersTheNewestMatchOfEachPair_InOneCall()
    {
        var channel = new TestChannel();
        var other = new TestChannel();
        var older = channel.Next(authorId: 1, nonce: "a");
        var newer = channel.Next(authorId: 1, nonce: "a");
        var theirs = channel.Next(authorId: 2, nonce: "a");
        var mineB = channel.Next(authorId: 1, nonce: "b");
        await Store.AppendAsync([older, channel.Next(authorId: 1), newer, theirs, mineB, channel.Next(authorId: 3, nonce: "c")], None);
        await Store.AppendAsync([other.Next(authorId: 1, nonce: "d")], None);

        var found = await Store.FindByNoncesAsync(channel.Id, [(1, "a"), (2, "a"), (1, "b"), (2, "b"), (1, "d"), (1, "A")], TestChannel.BaseTime, None);

        // One answer per matching pair, the newest; other authors' pairs, other channels' nonces and case differences miss.
        found.Select(m => m.Id).Order().ShouldBe(new[] { newer.Id, theirs.Id, mineB.Id }.Order());
        (await Store.FindByNoncesAsync(channel.Id, [(1, "a")], newer.CreatedAt.AddTicks(10), None)).ShouldBeEmpty("the window has passed");
        (await Store.FindByNoncesAsync(channel.Id, [], TestChannel.BaseTime, None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task GetRecent_IsTheNewestOldestFirst_DeletedIncluded()
    {
        var channel = await SeedAsync(6);
        (await Store.DeleteAsync(channel.Id, channel.IdFor(5), None)).ShouldBeTrue();

        var recent = await Store.GetRecentAsync(channel.Id, 3, None);
        recent.Seqs().ShouldBe([4, 5, 6]);
        recent[1].Deleted.ShouldBeTrue();
        (await Store.GetRecentAsync(channel.Id, 100, None)).Seqs().ShouldBe([1, 2, 3, 4, 5, 6]);
        (await Store.GetRecentAsync(channel.Id, 0, None)).ShouldBeEmpty();
        (await Store.GetRecentAsync(new TestChannel().Id, 5, None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Append_DuplicateSeq_ThrowsAndWritesNothingOfTheBatch()
    {
        var channel = await SeedAsync(3);
        var fresh = channel.Make(4);
        var clash = channel.Make(2) with { Id = channel.IdFor(2) + 1 };

        var exception = await Should.ThrowAsync<DuplicateMessageException>(() => Store.AppendAsync([fresh, clash], None));

        exception.Constraint.ShouldBe(DuplicateMessageException.SeqConstraint);
        (await Store.GetAsync(channel.Id, fresh.Id, None)).ShouldBeNull();
        (await Store.GetAsync(channel.Id, clash.Id, None)).ShouldBeNull();
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(3);
    }

    [Fact]
    public async Task Append_DuplicateId_ThrowsAndWritesNothingOfTheBatch()
    {
        var channel = await SeedAsync(3);
        var neighbour = new TestChannel();
        var fresh = neighbour.Next();
        var clash = channel.Make(10) with { Id = channel.IdFor(3) };

        var exception = await Should.ThrowAsync<DuplicateMessageException>(() => Store.AppendAsync([fresh, clash], None));

        exception.Constraint.ShouldBe(DuplicateMessageException.IdConstraint);
        (await Store.GetAsync(neighbour.Id, fresh.Id, None)).ShouldBeNull();
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(3);
        (await Store.GetAsync(channel.Id, channel.IdFor(3), None)).ShouldMatch(channel.Make(3));
    }

    [Fact]
    public async Task Append_DuplicateWithinTheBatch_ThrowsAndWritesNothing()
    {
        var channel = new TestChannel();
        var first = channel.Make(1);
        var sameSeq = channel.Make(1) with { Id = first.Id + 1 };

        await Should.ThrowAsync<DuplicateMessageException>(() => Store.AppendAsync([channel.Make(2), first, sameSeq], None));

        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(0);
        (await Store.GetRecentAsync(channel.Id, 10, None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Append_SameIdAndSeqInDifferentChannels_IsAllowed()
    {
        var a = new TestChannel();
        var b = new TestChannel();
        var inA = a.Make(1);
        var inB = inA with { ChannelId = b.Id };

        await Store.AppendAsync([inA, inB], None);

        (await Store.GetAsync(a.Id, inA.Id, None)).ShouldMatch(inA);
        (await Store.GetAsync(b.Id, inA.Id, None)).ShouldMatch(inB);
    }

    /// <summary>
    /// Keyset stability: walking a 100k-message channel backwards and forwards in pages of 100 sees every message
    /// exactly once, in order, without gaps, while new messages keep arriving at the newest end.
    /// </summary>
    [Fact]
    public async Task Walk_OfA100kChannel_WhileWritersAppend_SeesEveryMessageOnceInOrder()
    {
        const int seeded = 100_000;
        const int pageSize = 100;
        var started = Stopwatch.GetTimestamp();
        var channel = new TestChannel();
        var seed = channel.NextMany(seeded);
        foreach (var chunk in seed.Chunk(5_000))
        {
            await Store.AppendAsync(chunk, None);
        }

        await AfterBulkLoadAsync();
        Report($"seeded {seeded} messages in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
        started = Stopwatch.GetTimestamp();

        // Writers share one sequencer, as the channel grain does: seq and id are assigned and appended in order. Every
        // page a walker reads lets a writer append, and every few pages a walker waits for an append to have happened, so
        // arrivals interleave with the walks however the threads are scheduled.
        using var stop = new CancellationTokenSource();
        using var sequencer = new SemaphoreSlim(1, 1);
        using var pageTurns = new SemaphoreSlim(0);
        var appends = Channel.CreateUnbounded<int>();
        var appended = 0;
        var writers = Enumerable.Range(1, 3).Select(size => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await pageTurns.WaitAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await sequencer.WaitAsync();
                try
                {
                    await Store.AppendAsync(channel.NextMany(size), None);
                    Interlocked.Add(ref appended, size);
                    appends.Writer.TryWrite(size);
                }
                finally
                {
                    sequencer.Release();
                }
            }
        })).ToList();

        async Task TurnPageAsync(int seen)
        {
            pageTurns.Release();
            if (seen % (50 * pageSize) == 0)
            {
                await appends.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            }
        }

        var backward = Task.Run(async () =>
        {
            var seen = new List<StoredMessage>();
            var page = await Store.PageAsync(channel.Id, null, null, pageSize, None);
            while (page.Count > 0)
            {
                // Each page must lie strictly below the cursor, or a broken bound would loop here for ever.
                page[^1].Id.ShouldBeLessThan(seen.Count == 0 ? long.MaxValue : seen[^1].Id);
                seen.AddRange(page.Reverse());
                await TurnPageAsync(seen.Count);
                page = await Store.PageAsync(channel.Id, page[0].Id, null, pageSize, None);
            }

            return seen;
        });
        var forward = Task.Run(async () =>
        {
            var seen = new List<StoredMessage>();
            long after = 0;
            while (true)
            {
                var page = await Store.PageAsync(channel.Id, null, after, pageSize, None);
                page.ShouldAllBe(m => m.Id > after);
                seen.AddRange(page);
                await TurnPageAsync(seen.Count);
                if (page.Count < pageSize)
                {
                    return seen;
                }

                after = page[^1].Id;
            }
        });
        var (down, up) = (await backward, await forward);
        var appendedDuringWalks = Volatile.Read(ref appended);
        Report($"walked {down.Count} messages backwards and {up.Count} forwards in pages of {pageSize} while {appendedDuringWalks} were appended, in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        appendedDuringWalks.ShouldBeGreaterThan(0, "the writers must overlap the walks for this test to mean anything");
        down.Count.ShouldBeGreaterThanOrEqualTo(seeded);
        down[^1].Seq.ShouldBe(1);
        for (var n = 0; n < down.Count; n++)
        {
            down[n].Seq.ShouldBe(down[0].Seq - n);
            down[n].Id.ShouldBe(channel.IdFor(down[n].Seq));
        }

        up.Count.ShouldBeGreaterThan(seeded);
        for (var n = 0; n < up.Count; n++)
        {
            up[n].Seq.ShouldBe(n + 1);
            up[n].Id.ShouldBe(channel.IdFor(n + 1));
        }

        // Nothing was lost at the end either: the store holds exactly the seeded plus the appended messages.
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(seeded + Volatile.Read(ref appended));
    }

    protected async Task<TestChannel> SeedAsync(int count)
    {
        var channel = new TestChannel();
        await Store.AppendAsync(channel.NextMany(count), None);
        return channel;
    }
}
