namespace Chaos.Gateway;

/// <summary>
/// The front doors that hold gateway connections, one grain (key 0) for the cluster. Memory only: each front door
/// registers its <see cref="IFrontDoorObserver"/> under a lease it renews, so the directory rebuilds itself within one
/// renewal after it moved to another silo, and a front door that died drops out when its lease ends.
/// </summary>
public interface IFrontDoorDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers or renews one front door for <paramref name="leaseSeconds"/>; false when the directory did not hold a
    /// current lease of it (its first registration, a directory that moved, or a front door silent past its lease).
    /// </summary>
    Task<bool> RegisterAsync(string frontDoorId, IFrontDoorObserver observer, int leaseSeconds);

    Task UnregisterAsync(string frontDoorId);

    /// <summary>The front doors whose lease is current, by id.</summary>
    Task<Dictionary<string, IFrontDoorObserver>> GetAsync();

    /// <summary>The ids of the front doors whose lease is current, and this directory's age (silos find dead front doors with it).</summary>
    Task<FrontDoorLiveness> GetLivenessAsync();
}
