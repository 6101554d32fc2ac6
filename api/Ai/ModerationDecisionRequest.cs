using Chaos.Ai;

namespace Chaos.Api.Ai;

/// <summary>The body of <c>PATCH /communities/{id}/moderation/queue/{itemId}</c>: <c>dismissed</c> or <c>removed</c>.</summary>
public sealed record ModerationDecisionRequest(ModerationStatus? Status);
