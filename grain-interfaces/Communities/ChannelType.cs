namespace Chaos.Communities;

/// <summary>Written as <c>"text"</c>, <c>"voice"</c>, <c>"dm"</c>, <c>"group"</c> on the wire.</summary>
public enum ChannelType
{
    Text = 0,
    Voice = 1,
    Dm = 2,
    Group = 3,
}
