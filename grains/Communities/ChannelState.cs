namespace Chaos.Communities;

[GenerateSerializer, Alias("chaos.ChannelState")]
public sealed class ChannelState
{
    [Id(0)]
    public long CommunityId { get; set; }

    [Id(1)]
    public ChannelType Type { get; set; }
}
