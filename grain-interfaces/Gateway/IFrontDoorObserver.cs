namespace Chaos.Gateway;

/// <summary>
/// One per front door (a grain observer registered with <see cref="IFrontDoorDirectoryGrain"/>): the delivery barrier
/// asks every front door to catch up with a set of streams (docs/architecture.md#delivery-barrier).
/// </summary>
public interface IFrontDoorObserver : IGrainObserver
{
    /// <summary>
    /// Returns once everything published on these streams before the call has been applied to this front door's
    /// connections (at once for the streams none of them listens to).
    /// </summary>
    Task CatchUpAsync(IReadOnlyList<GatewayStream> streams);
}
