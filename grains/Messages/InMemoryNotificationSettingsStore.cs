namespace Chaos.Messages;

/// <summary>The standalone in-memory twin of <see cref="PostgresNotificationSettingsStore"/>.</summary>
public sealed class InMemoryNotificationSettingsStore : INotificationSettingsStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, SortedDictionary<long, NotificationSetting>> users = [];

    public Task SetAsync(long userId, NotificationSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        lock (gate)
        {
            if (!users.TryGetValue(userId, out var settings))
            {
                settings = [];
                users[userId] = settings;
            }

            // Cut to microseconds, as timestamptz stores them.
            var muted = setting.MutedUntil is { } until ? new DateTimeOffset(until.UtcTicks - (until.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero) : (DateTimeOffset?)null;
            settings[setting.TargetId] = setting with { MutedUntil = muted };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NotificationSetting>> GetAllAsync(long userId)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<NotificationSetting>>(users.TryGetValue(userId, out var settings) ? [.. settings.Values] : []);
        }
    }
}
