namespace Chaos.Client.Communities;

public enum ChannelType
{
    Text,
    Voice,
    Dm,
    Group,
}
