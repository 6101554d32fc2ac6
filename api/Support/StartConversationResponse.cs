using Chaos.Support;

namespace Chaos.Api.Support;

/// <summary>The new conversation and the guest token that opens it (and nothing else).</summary>
public sealed record StartConversationResponse(SupportConversation Conversation, string GuestToken);
