namespace Chaos.Client.Gateway;

public enum GatewayProtocol
{
    Json,
    MessagePack,
}
