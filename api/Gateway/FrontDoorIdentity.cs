namespace Chaos.Api.Gateway;

/// <summary>
/// This front door's id, new per process: its entry in the front-door directory, its delivery marks, and the key its
/// connections are held under in Presence grains (docs/architecture.md#presence). One id, so a silo that finds the
/// entry gone drops exactly this process's connections.
/// </summary>
public sealed class FrontDoorIdentity
{
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Raised when a renewal found the directory without a current lease of this front door after an earlier renewal
    /// had succeeded: silos may have taken it for dead and dropped its connections from presence, so presence restores
    /// them (docs/architecture.md#presence).
    /// </summary>
    public event Action? LeaseLost;

    public void OnLeaseLost() => LeaseLost?.Invoke();
}
