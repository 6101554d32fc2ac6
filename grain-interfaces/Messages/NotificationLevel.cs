namespace Chaos.Messages;

/// <summary>Written <c>"all"</c>, <c>"mentions"</c>, <c>"none"</c> (docs/api.md#notification-settings).</summary>
public enum NotificationLevel
{
    All = 0,
    Mentions = 1,
    None = 2,
}
