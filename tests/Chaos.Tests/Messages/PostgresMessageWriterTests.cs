using System.Diagnostics;
using Chaos.Messages;
using Xunit.Abstractions;

namespace Chaos.Tests.Messages;

public sealed class PostgresMessageWriterTests(PostgresMessageStoreFixture fixture, ITestOutputHelper output)
    : MessageWriterBehaviour, IClassFixture<PostgresMessageStoreFixture>
{
    protected override IMessageStore Store => fixture.Store;

    /// <summary>Accepts per second of the writer on the local server; prints the figure, asserts only durability.</summary>
    [Fact]
    public async Task Measure_20kMessages_Throughput()
    {
        const int total = 20_000;

        // All at once: the writer's best case, every batch full.
        var burstChannels = Enumerable.Range(0, 200).Select(_ => new TestChannel()).ToList();
        var burst = burstChannels.SelectMany(c => c.NextMany(total / burstChannels.Count)).ToList();
        await using (var writer = CreateWriter())
        {
            await WarmUpAsync(writer);
            using var metrics = new WriterMetrics(writer);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(burst.Select(writer.WriteAsync));
            var elapsed = Stopwatch.GetElapsedTime(started);
            output.WriteLine($"burst: {total} messages in {elapsed.TotalMilliseconds:0} ms = {total / elapsed.TotalSeconds:0} accepts/s, {metrics.Batches} batches (mean {(double)metrics.BatchedMessages / metrics.Batches:0.0})");
        }

        // Like channel grains: 1,000 channels, each waiting for its previous message to be durable before the next.
        var grainChannels = Enumerable.Range(0, 1_000).Select(_ => new TestChannel()).ToList();
        await using (var writer = CreateWriter())
        {
            await WarmUpAsync(writer);
            using var metrics = new WriterMetrics(writer);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(grainChannels.Select(c => Task.Run(async () =>
            {
                for (var n = 0; n < total / grainChannels.Count; n++)
                {
                    await writer.WriteAsync(c.Next());
                }
            })));
            var elapsed = Stopwatch.GetElapsedTime(started);
            output.WriteLine($"1000 sequential senders: {total} messages in {elapsed.TotalMilliseconds:0} ms = {total / elapsed.TotalSeconds:0} accepts/s, {metrics.Batches} batches (mean {(double)metrics.BatchedMessages / metrics.Batches:0.0})");
        }

        foreach (var channel in burstChannels)
        {
            (await Store.GetLastSeqAsync(channel.Id, CancellationToken.None)).ShouldBe(total / burstChannels.Count);
        }

        foreach (var channel in grainChannels)
        {
            (await Store.GetLastSeqAsync(channel.Id, CancellationToken.None)).ShouldBe(total / grainChannels.Count);
        }
    }

    /// <summary>JIT, pool connections and the insert's plan are made outside the timed part.</summary>
    private static async Task WarmUpAsync(MessageWriter writer)
    {
        var channel = new TestChannel();
        await Task.WhenAll(channel.NextMany(512).Select(writer.WriteAsync));
    }
}
