namespace Chaos.PrivateChannels;

[GenerateSerializer, Alias("chaos.DmState")]
public sealed class DmState
{
    /// <summary>The pair's DM channel, 0 until first opened. Written before the channel is created, so a retry reuses it.</summary>
    [Id(0)]
    public long ChannelId { get; set; }

    [Id(1)]
    public bool Blocked { get; set; }
}
