using Chaos.Communities;
using Chaos.Errors;
using Chaos.Messages;

namespace Chaos.Search;

/// <summary>
/// One user's notification settings (docs/api.md#notification-settings), keyed by user id. Holds nothing: the rows are
/// in the store, at most <see cref="MaxSettings"/> per user. A setting may name only a community the user belongs to or
/// a channel they can read.
/// </summary>
internal sealed class NotificationSettingsGrain(INotificationSettingsStore store) : Grain, INotificationSettingsGrain
{
    internal const int MaxSettings = 500;

    private long UserId => this.GetPrimaryKeyLong();

    public async Task<NotificationSetting> SetAsync(long targetId, NotificationLevel level, DateTimeOffset? mutedUntil)
    {
        if (!Enum.IsDefined(level))
        {
            throw ChaosException.Validation("level", "level must be all, mentions or none.");
        }

        await RequireTargetAsync(targetId);
        var all = await store.GetAllAsync(UserId);
        if (all.Count >= MaxSettings && !all.Any(s => s.TargetId == targetId))
        {
            throw new ChaosException(ErrorCodes.Conflict, $"A user has at most {MaxSettings} notification settings.");
        }

        await store.SetAsync(UserId, new NotificationSetting(targetId, level, mutedUntil));
        return (await store.GetAllAsync(UserId)).First(s => s.TargetId == targetId);
    }

    public Task<IReadOnlyList<NotificationSetting>> GetAllAsync() => store.GetAllAsync(UserId);

    private async Task RequireTargetAsync(long targetId)
    {
        try
        {
            await GrainFactory.GetGrain<ICommunityGrain>(targetId).GetPermissionsAsync(UserId, null);
            return;
        }
        catch (ChaosException e) when (e.Code == ErrorCodes.NotFound)
        {
            // Not a community: a channel, then.
        }

        await GrainFactory.GetGrain<IChannelGrain>(targetId).RequireHistoryAsync(UserId);
    }
}
