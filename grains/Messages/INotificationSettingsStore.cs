namespace Chaos.Messages;

public interface INotificationSettingsStore
{
    Task SetAsync(long userId, NotificationSetting setting);

    /// <summary>All of a user's settings (the grain keeps them to at most 500), by target id.</summary>
    Task<IReadOnlyList<NotificationSetting>> GetAllAsync(long userId);
}
