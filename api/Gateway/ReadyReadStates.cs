namespace Chaos.Api.Gateway;

/// <summary>
/// <c>Ready</c> carries read states only of channels the snapshot shows: a channel hidden by a role or overwrite, or of a
/// community the user left, must not leak its name-less existence or its unread counts (docs/api.md#ready).
/// </summary>
public static class ReadyReadStates
{
    public static void KeepVisible(ReadyBuilder ready)
    {
        var visible = ready.Communities.SelectMany(c => c.Channels).Select(c => c.Id)
            .Concat(ready.DmChannels.Select(c => c.Id))
            .ToHashSet();
        ready.ReadStates.RemoveAll(state => !visible.Contains(state.ChannelId));
    }
}
