using System.Diagnostics.Metrics;
using Chaos.Messages;
using Microsoft.Extensions.Options;

namespace Chaos.Tests.Messages;

/// <summary>Group commit through <see cref="MessageWriter"/>; run once per store implementation.</summary>
public abstract class MessageWriterBehaviour
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract IMessageStore Store { get; }

    protected MessageWriter CreateWriter(int batchSize = 256, double lingerMilliseconds = 2, int maxFlushesInFlight = 1, IMessageStore? store = null) =>
        new(store ?? Store, Options.Create(new MessageWriterOptions { BatchSize = batchSize, LingerMilliseconds = lingerMilliseconds, MaxFlushesInFlight = maxFlushesInFlight }));

    [Fact]
    public async Task ConcurrentWrites_AcrossChannels_AllBecomeDurable_InBatches()
    {
        await using var writer = CreateWriter();
        using var metrics = new WriterMetrics(writer);
        var channels = Enumerable.Range(0, 20).Select(_ => new TestChannel()).ToList();
        var messages = channels.SelectMany(c => c.NextMany(100)).ToList();

        await Task.WhenAll(messages.Select(m => Task.Run(() => writer.WriteAsync(m))));

        foreach (var message in messages)
        {
            (await Store.GetAsync(message.ChannelId, message.Id, None)).ShouldMatch(message);
        }

        foreach (var channel in channels)
        {
            (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(100);
        }

        metrics.BatchedMessages.ShouldBe(2_000);
        metrics.Persisted.ShouldBe(2_000);
        metrics.Batches.ShouldBe(writer.FlushCount);
        metrics.Batches.ShouldBeLessThan(2_000, "group commit must put several messages in one batch");
        metrics.DurationsRecorded.ShouldBe(metrics.Batches);
    }

    [Fact]
    public async Task SequentialWriters_LikeChannelGrains_AreBatchedTogether()
    {
        await using var writer = CreateWriter();
        using var metrics = new WriterMetrics(writer);
        var channels = Enumerable.Range(0, 20).Select(_ => new TestChannel()).ToList();

        // Each "grain" waits for its previous message to be durable before sending the next, as a channel grain does.
        await Task.WhenAll(channels.Select(c => Task.Run(async () =>
        {
            for (var n = 0; n < 25; n++)
            {
                await writer.WriteAsync(c.Next());
            }
        })));

        foreach (var channel in channels)
        {
            (await Store.GetRecentAsync(channel.Id, 100, None)).Seqs().ShouldBe(Enumerable.Range(1, 25).Select(n => (long)n));
        }

        metrics.BatchedMessages.ShouldBe(500);
        metrics.Batches.ShouldBeLessThan(500);
    }

    [Fact]
    public async Task Duplicate_InOneCallersMessage_FailsOnlyThatCaller()
    {
        var victim = new TestChannel();
        var original = victim.Next();
        await Store.AppendAsync([original], None);

        // BatchSize equals the number of writes and the linger is long: all of them go out as exactly one batch.
        var channels = Enumerable.Range(0, 10).Select(_ => new TestChannel()).ToList();
        var good = channels.SelectMany(c => c.NextMany(20)).ToList();
        var duplicate = victim.Make(1) with { Id = original.Id + 1, Content = "a second seq 1" };
        await using var writer = CreateWriter(batchSize: good.Count + 1, lingerMilliseconds: 60_000);
        var goodWrites = good.Take(100).Select(writer.WriteAsync).ToList();
        var badWrite = writer.WriteAsync(duplicate);
        goodWrites.AddRange(good.Skip(100).Select(writer.WriteAsync));

        await Should.ThrowAsync<DuplicateMessageException>(() => badWrite);
        await Task.WhenAll(goodWrites);

        writer.FlushCount.ShouldBeGreaterThan(1, "the failed batch must have been split to isolate the duplicate");
        foreach (var message in good)
        {
            (await Store.GetAsync(message.ChannelId, message.Id, None)).ShouldMatch(message);
        }

        (await Store.GetAsync(victim.Id, duplicate.Id, None)).ShouldBeNull();
        (await Store.GetAsync(victim.Id, original.Id, None)).ShouldMatch(original);
    }

    [Fact]
    public async Task MultiMessageWrite_IsAllOrNothing_AndDoesNotTakeOthersDown()
    {
        var victim = await SeedAsync(1);
        var bystander = new TestChannel();
        await using var writer = CreateWriter(batchSize: 3, lingerMilliseconds: 60_000);

        var bad = writer.WriteAsync([victim.Make(2), victim.Make(1) with { Id = victim.IdFor(1) + 1 }]);
        var fine = writer.WriteAsync(bystander.Next());

        await Should.ThrowAsync<DuplicateMessageException>(() => bad);
        await fine;
        (await Store.GetLastSeqAsync(victim.Id, None)).ShouldBe(1);
        (await Store.GetLastSeqAsync(bystander.Id, None)).ShouldBe(1);
    }

    [Fact]
    public async Task Dispose_PersistsEverythingQueued()
    {
        var channels = Enumerable.Range(0, 5).Select(_ => new TestChannel()).ToList();
        var messages = channels.SelectMany(c => c.NextMany(100)).ToList();
        var writer = CreateWriter(batchSize: 100_000, lingerMilliseconds: 60_000);
        var writes = messages.Select(writer.WriteAsync).ToList();

        // Neither the batch size nor the linger can have released them yet: only the shutdown will.
        writes.ShouldAllBe(w => !w.IsCompleted);
        (await Store.GetLastSeqAsync(channels[0].Id, None)).ShouldBe(0);

        await writer.DisposeAsync();

        writes.ShouldAllBe(w => w.IsCompletedSuccessfully);
        foreach (var message in messages)
        {
            (await Store.GetAsync(message.ChannelId, message.Id, None)).ShouldMatch(message);
        }
    }

    [Fact]
    public async Task Write_AfterDispose_FailsInsteadOfBeingDropped()
    {
        var writer = CreateWriter();
        await writer.DisposeAsync();
        var channel = new TestChannel();

        await Should.ThrowAsync<ObjectDisposedException>(() => writer.WriteAsync(channel.Next()));
        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(0);
    }

    [Fact]
    public async Task ZeroLinger_FlushesALoneMessageWithoutWaitingForCompany()
    {
        await using var writer = CreateWriter(lingerMilliseconds: 0);
        var channel = new TestChannel();

        // Far below the linger the other tests use; a writer that waited for a full batch would never get here.
        await writer.WriteAsync(channel.Next()).WaitAsync(TimeSpan.FromSeconds(30));

        (await Store.GetLastSeqAsync(channel.Id, None)).ShouldBe(1);
    }

    [Fact]
    public async Task StoreOutage_FailsEveryCallerOfTheBatch()
    {
        var failing = new FailingMessageStore(new InvalidOperationException("connection lost"));
        await using var writer = CreateWriter(batchSize: 3, lingerMilliseconds: 60_000, store: failing);
        var channel = new TestChannel();

        var writes = channel.NextMany(3).Select(writer.WriteAsync).ToList();

        foreach (var write in writes)
        {
            (await Should.ThrowAsync<InvalidOperationException>(() => write)).Message.ShouldBe("connection lost");
        }

        // An outage is nobody's data: the writer must not hammer the store by splitting the batch.
        failing.Calls.ShouldBe(1);
    }

    protected async Task<TestChannel> SeedAsync(int count)
    {
        var channel = new TestChannel();
        await Store.AppendAsync(channel.NextMany(count), None);
        return channel;
    }

    /// <summary>Listens to one writer's own instruments (each writer has its own meter, so parallel tests do not mix).</summary>
    protected sealed class WriterMetrics : IDisposable
    {
        private readonly MeterListener listener = new();
        private long batches;
        private long batchedMessages;
        private long persisted;
        private long durations;

        public WriterMetrics(MessageWriter writer)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, writer.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
            {
                if (instrument.Name == "message.batch.size")
                {
                    Interlocked.Increment(ref batches);
                    Interlocked.Add(ref batchedMessages, value);
                }
            });
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == "messages.persisted")
                {
                    Interlocked.Add(ref persisted, value);
                }
            });
            listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
            {
                if (instrument.Name == "message.persist.duration")
                {
                    Interlocked.Increment(ref durations);
                }
            });
            listener.Start();
        }

        public long Batches => Interlocked.Read(ref batches);

        public long BatchedMessages => Interlocked.Read(ref batchedMessages);

        public long Persisted => Interlocked.Read(ref persisted);

        public long DurationsRecorded => Interlocked.Read(ref durations);

        public void Dispose() => listener.Dispose();
    }
}
