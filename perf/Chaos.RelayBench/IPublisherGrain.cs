using Orleans.Concurrency;

namespace Chaos.RelayBench;

/// <summary>Publishes the events; placed on silo A (activated there first, prefer-local placement).</summary>
public interface IPublisherGrain : IGrainWithIntegerKey
{
    Task<string> WhereAsync();

    Task ConfigureAsync(BenchMechanism mechanism, IBenchObserver? observer, string channelNamespace, string channelKey);

    /// <summary>Publishes events <paramref name="firstSeq"/> … +<paramref name="count"/>−1, each stamped as it goes.</summary>
    [OneWay]
    Task PublishAsync(long firstSeq, int count, long driverTimestamp);
}
