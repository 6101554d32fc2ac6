namespace Chaos.Presence;

/// <summary>Written <c>"online"</c>, <c>"away"</c>, <c>"busy"</c>, <c>"invisible"</c>, <c>"offline"</c>.</summary>
public enum PresenceStatus
{
    Offline = 0,
    Online = 1,
    Away = 2,
    Busy = 3,
    Invisible = 4,
}
