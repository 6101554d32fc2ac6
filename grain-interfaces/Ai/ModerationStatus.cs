namespace Chaos.Ai;

/// <summary>A moderation queue item's state (docs/api.md#ai-assistance): <c>"open"</c> until a moderator decides.</summary>
public enum ModerationStatus
{
    Open = 0,
    Dismissed = 1,
    Removed = 2,
}
