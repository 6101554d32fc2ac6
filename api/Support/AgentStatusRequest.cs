using Chaos.Support;

namespace Chaos.Api.Support;

/// <summary><c>PUT /communities/{id}/support/agents/@me</c>; <c>email</c> (optional) receives wait alerts.</summary>
public sealed record AgentStatusRequest(SupportAgentStatus? Status, int? MaxConcurrent, string? Email);
