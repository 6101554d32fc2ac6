namespace Chaos.Support;

/// <summary>
/// One community's support desk (key: community id): its settings, its agents and all routing — the one place that
/// decides which agent gets which conversation, so no two agents get one and the queue keeps arrival order
/// (docs/architecture.md#support-desk). Conversations themselves are rows in a table, not grain state.
/// </summary>
public interface ISupportDeskGrain : IGrainWithIntegerKey
{
    /// <summary>Changes the <c>supportDesk</c> object (ManageCommunity).</summary>
    Task<SupportDeskSettings> ConfigureAsync(long actorId, SupportDeskChange change);

    /// <summary>The settings (HandleSupport or ManageCommunity).</summary>
    Task<SupportDeskSettings> GetSettingsAsync(long actorId);

    /// <summary>What the guest widget shows; anyone may ask. A community without an enabled desk answers <c>not_found</c>.</summary>
    Task<SupportDeskInfo> GetInfoAsync();

    /// <summary>
    /// Starts conversation <paramref name="conversationId"/> (chosen by the caller, so a retry cannot make a second one)
    /// with the guest's first message, and routes it. Refused with <c>conflict</c> when the queue is full.
    /// </summary>
    Task<SupportConversation> StartAsync(long conversationId, SupportGuest guest, string message);

    /// <summary>
    /// Sets the caller's availability, capacity and (optional) address for wait alerts (HandleSupport); may assign queued
    /// conversations to them at once.
    /// </summary>
    Task<SupportAgent> SetAgentAsync(long actorId, SupportAgentStatus status, int maxConcurrent, string? email);

    /// <summary>The caller takes a conversation (no <paramref name="agentId"/>) or hands it to another agent (HandleSupport).</summary>
    Task<SupportConversation> AssignAsync(long actorId, long conversationId, long? agentId);

    /// <summary>Closes a conversation (an agent, or its guest); the agent's room goes to the head of the queue.</summary>
    Task<SupportConversation> CloseAsync(SupportCaller caller, long conversationId);

    /// <summary>The conversation with its live queue position; the caller must be an agent, its guest, or the system.</summary>
    Task<SupportConversation> GetConversationAsync(SupportCaller caller, long conversationId);

    /// <summary>A page of the desk's conversations, oldest to newest (HandleSupport).</summary>
    Task<IReadOnlyList<SupportConversation>> ListAsync(long actorId, SupportStatus? status, long? before, int limit);

    /// <summary>Throws unless <paramref name="actorId"/> has HandleSupport in this community.</summary>
    Task RequireAgentAsync(long actorId);

    /// <summary>The dashboard figures (HandleSupport).</summary>
    Task<SupportStats> GetStatsAsync(long actorId);
}
