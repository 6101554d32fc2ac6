namespace Chaos.Client.Relationships;

public enum PresenceStatus
{
    Online,
    Away,
    Busy,
    Invisible,
    Offline,
}
