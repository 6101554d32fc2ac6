namespace Chaos.Support;

/// <summary>
/// One conversation's messages (key: conversation id): numbers them in its channel's <c>seq</c>, stores them and
/// publishes them. Routing never passes through here; the desk grain owns that.
/// </summary>
public interface ISupportConversationGrain : IGrainWithIntegerKey
{
    /// <summary>The guest's first message (from the desk, while starting); idempotent.</summary>
    Task<SupportMessage> OpenAsync(long communityId, string guestName, string content);

    /// <summary>A message from the guest or an agent; refused once the conversation is closed.</summary>
    Task<SupportMessage> SendAsync(SupportCaller caller, string content);

    /// <summary>A page of messages, oldest to newest (the guest, or an agent of the desk).</summary>
    Task<IReadOnlyList<SupportMessage>> GetMessagesAsync(SupportCaller caller, long? before, long? after, int limit);

    /// <summary>The guest rates the closed conversation once.</summary>
    Task<SupportConversation> RateAsync(SupportCaller caller, int score, string? comment);

    /// <summary>The community whose desk owns the conversation; null when there is no such conversation.</summary>
    Task<long?> GetCommunityIdAsync();
}
