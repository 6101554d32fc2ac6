namespace Chaos.RelayBench;

/// <summary>
/// The receiving grain of the BroadcastChannel and stream paths, keyed by the channel (or stream) key; activated
/// first from the silo it should live on (prefer-local placement).
/// </summary>
public interface ISubscriberGrain : IGrainWithStringKey
{
    Task<string> WhereAsync();

    /// <summary>When set, every event that arrives is relayed one-way to this observer (the path to a front door).</summary>
    Task SetRelayAsync(IBenchObserver? relay);
}
