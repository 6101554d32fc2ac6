namespace Chaos.Support;

/// <summary>Written as <c>"queued"</c>, <c>"assigned"</c>, <c>"closed"</c> on the wire.</summary>
public enum SupportStatus
{
    Queued = 0,
    Assigned = 1,
    Closed = 2,
}
