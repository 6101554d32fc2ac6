namespace Chaos.Support;

/// <summary>One agent of a desk as <c>PUT /communities/{id}/support/agents/@me</c> answers it.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportAgent")]
public sealed record SupportAgent(
    [property: Id(0)] long UserId,
    [property: Id(1)] SupportAgentStatus Status,
    [property: Id(2)] int MaxConcurrent,
    [property: Id(3)] int OpenConversations);
