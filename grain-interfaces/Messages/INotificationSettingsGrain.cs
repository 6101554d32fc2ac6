namespace Chaos.Messages;

/// <summary>One user's notification settings, keyed by user id; the rows live in the store, not in grain state.</summary>
public interface INotificationSettingsGrain : IGrainWithIntegerKey
{
    /// <summary>Sets the level for a community the user belongs to or a channel they can see (at most 500 settings).</summary>
    Task<NotificationSetting> SetAsync(long targetId, NotificationLevel level, DateTimeOffset? mutedUntil);

    Task<IReadOnlyList<NotificationSetting>> GetAllAsync();
}
