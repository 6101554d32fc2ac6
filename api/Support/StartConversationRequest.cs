namespace Chaos.Api.Support;

/// <summary><c>POST /support/{communityId}/conversations</c>.</summary>
public sealed record StartConversationRequest(string? Name, string? Email, string? Message);
