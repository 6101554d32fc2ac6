namespace Chaos.Ai;

/// <summary>A community's AI moderation: <c>"off"</c>, <c>"flag"</c> (queue items only) or <c>"hide"</c> (queue and hide).</summary>
public enum ModerationMode
{
    Off = 0,
    Flag = 1,
    Hide = 2,
}
