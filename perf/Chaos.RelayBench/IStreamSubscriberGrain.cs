namespace Chaos.RelayBench;

/// <summary>The memory-stream subscriber (<see cref="StreamSubscriberGrain"/>).</summary>
public interface IStreamSubscriberGrain : ISubscriberGrain;
