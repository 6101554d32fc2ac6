namespace Chaos.Messages;

/// <summary>
/// Full-text search and the mentions inbox over message history (docs/architecture.md#reactions-pins-and-search). Callers
/// pass only the channels the reader may read; results are visible messages, newest first.
/// </summary>
public interface IMessageSearch
{
    /// <summary>Messages of <paramref name="channelIds"/> containing every term (each as a word or a word's start).</summary>
    Task<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<long> channelIds, SearchQuery query, CancellationToken ct);

    /// <summary>
    /// Messages of <paramref name="channelIds"/> that mention <paramref name="userId"/>, one of <paramref name="roleIds"/>,
    /// or @everyone (flagged at send time only when its author held MentionEveryone).
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> MentionsAsync(IReadOnlyCollection<long> channelIds, long userId, IReadOnlyCollection<long> roleIds, long? before, int limit, CancellationToken ct);
}
