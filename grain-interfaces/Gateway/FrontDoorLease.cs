namespace Chaos.Gateway;

/// <summary>
/// How front doors keep their entry in <see cref="IFrontDoorDirectoryGrain"/>: renewed every <see cref="Renewal"/>,
/// held for <see cref="Duration"/>. A front door absent from a directory that has existed for at least
/// <see cref="Duration"/> has stopped renewing: it is dead (docs/architecture.md#presence).
/// </summary>
public static class FrontDoorLease
{
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Duration = Renewal * 3;
}
