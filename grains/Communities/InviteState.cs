namespace Chaos.Communities;

[GenerateSerializer, Alias("chaos.InviteState")]
public sealed class InviteState
{
    [Id(0)]
    public long CommunityId { get; set; }
}
