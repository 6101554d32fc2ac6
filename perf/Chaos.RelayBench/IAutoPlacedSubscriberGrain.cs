namespace Chaos.RelayBench;

/// <summary>The default-placed BroadcastChannel subscriber (<see cref="AutoPlacedSubscriberGrain"/>).</summary>
public interface IAutoPlacedSubscriberGrain : ISubscriberGrain;
