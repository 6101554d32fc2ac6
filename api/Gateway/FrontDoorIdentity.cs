namespace Chaos.Api.Gateway;

/// <summary>
/// This front door's id, new per process: its entry in the front-door directory, its delivery marks, and the key its
/// connections are held under in Presence grains (docs/architecture.md#presence). One id, so a silo that finds the
/// entry gone drops exactly this process's connections.
/// </summary>
public sealed class FrontDoorIdentity
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}
