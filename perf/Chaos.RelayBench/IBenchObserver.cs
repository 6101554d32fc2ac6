using Orleans.Concurrency;

namespace Chaos.RelayBench;

/// <summary>The stand-in for a front door's relay: a grain observer on silo B, called one-way.</summary>
public interface IBenchObserver : IGrainObserver
{
    [OneWay]
    Task OnEvent(BenchEvent item);
}
