namespace Chaos.RelayBench;

/// <summary>The BroadcastChannel subscriber (<see cref="ChannelSubscriberGrain"/>).</summary>
public interface IChannelSubscriberGrain : ISubscriberGrain;
