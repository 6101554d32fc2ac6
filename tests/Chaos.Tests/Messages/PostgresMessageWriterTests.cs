using Chaos.Messages;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Messages;

[StartsEarly]
public sealed class PostgresMessageWriterTests(PostgresMessageStoreFixture fixture)
    : MessageWriterBehaviour, IClassFixture<PostgresMessageStoreFixture>
{
    protected override IMessageStore Store => fixture.Store;

    /// <summary>
    /// 20,000 messages at once, then from 1,000 channels that each wait for their previous message to be durable (as
    /// channel grains do): every one is stored. How many accepts per second that is, is measured in the benchmarks
    /// (<c>MessageWriterBenchmarks</c>), not here.
    /// </summary>
    [Fact]
    public async Task Burst_And_1000SequentialSenders_EveryMessageBecomesDurable()
    {
        const int total = 20_000;

        var burstChannels = Enumerable.Range(0, 200).Select(_ => new TestChannel()).ToList();
        var burst = burstChannels.SelectMany(c => c.NextMany(total / burstChannels.Count)).ToList();
        await using (var writer = CreateWriter())
        {
            await Task.WhenAll(burst.Select(writer.WriteAsync));
        }

        var grainChannels = Enumerable.Range(0, 1_000).Select(_ => new TestChannel()).ToList();
        await using (var writer = CreateWriter())
        {
            await Task.WhenAll(grainChannels.Select(c => Task.Run(async () =>
            {
                for (var n = 0; n < total / grainChannels.Count; n++)
                {
                    await writer.WriteAsync(c.Next());
                }
            })));
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
}
