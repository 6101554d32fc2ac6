namespace Chaos.Messages;

/// <summary>Pinned messages per channel (at most 50 each; the Channel grain keeps the bound).</summary>
public interface IPinStore
{
    /// <summary>False when it was already pinned.</summary>
    Task<bool> PinAsync(long channelId, long messageId, DateTimeOffset at);

    Task<bool> UnpinAsync(long channelId, long messageId);

    /// <summary>The pinned message ids of a channel, newest pin first.</summary>
    Task<IReadOnlyList<long>> GetPinsAsync(long channelId);

    /// <summary>Which of <paramref name="messageIds"/> are pinned (any channel).</summary>
    Task<IReadOnlySet<long>> GetPinnedAsync(IReadOnlyCollection<long> messageIds);
}
