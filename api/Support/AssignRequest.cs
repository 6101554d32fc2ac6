namespace Chaos.Api.Support;

/// <summary><c>POST /support/conversations/{id}/assign</c>: no <c>agentId</c> takes it, an <c>agentId</c> transfers it.</summary>
public sealed record AssignRequest(string? AgentId);
