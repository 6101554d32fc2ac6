using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Orleans.BroadcastChannel;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Streams;

namespace Chaos.RelayBench;

/// <summary>
/// Sends each event the way <see cref="BenchMechanism"/> says, stamping it just before. Prefer-local: the driver
/// activates it from silo A.
/// </summary>
[PreferLocalPlacement]
public sealed class PublisherGrain(ILocalSiloDetails silo) : Grain, IPublisherGrain
{
    /// <summary>About 200 bytes, as a short chat message's event.</summary>
    private static readonly string Payload = new('x', 200);

    private BenchMechanism mechanism;
    private IBenchObserver? observer;
    private IBroadcastChannelWriter<BenchEvent>? writer;
    private IAsyncStream<BenchEvent>? stream;

    public Task<string> WhereAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public Task ConfigureAsync(BenchMechanism mechanism, IBenchObserver? observer, string channelNamespace, string channelKey)
    {
        ReferenceGuard.RequireBoundHere(observer, ServiceProvider, "the observer reference");
        this.mechanism = mechanism;
        this.observer = observer;
        writer = mechanism == BenchMechanism.Broadcast
            ? ServiceProvider.GetRequiredKeyedService<IBroadcastChannelProvider>(BenchNames.ChannelProvider)
                .GetChannelWriter<BenchEvent>(ChannelId.Create(channelNamespace, channelKey))
            : null;
        stream = mechanism == BenchMechanism.Stream
            ? this.GetStreamProvider(BenchNames.StreamProvider)
                .GetStream<BenchEvent>(StreamId.Create(channelNamespace, channelKey))
            : null;
        return Task.CompletedTask;
    }

    public async Task PublishAsync(long firstSeq, int count, long driverTimestamp)
    {
        for (var i = 0; i < count; i++)
        {
            var item = new BenchEvent(firstSeq + i, driverTimestamp, Stopwatch.GetTimestamp(), Payload);
            switch (mechanism)
            {
                case BenchMechanism.Observer:
                    // One-way: returns at once, as the Channel grain's push does.
                    _ = observer!.OnEvent(item);
                    break;
                case BenchMechanism.Broadcast:
                    // FireAndForgetDelivery (the default): the writer does not wait for the subscriber.
                    await writer!.Publish(item);
                    break;
                case BenchMechanism.Stream:
                    // Enqueues into the memory stream's queue grain; the pulling agent delivers later.
                    await stream!.OnNextAsync(item);
                    break;
                case BenchMechanism.None:
                default:
                    break;
            }
        }
    }
}
