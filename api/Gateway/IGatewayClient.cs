using Chaos.Messages;

namespace Chaos.Api.Gateway;

/// <summary>The events a gateway connection receives (docs/api.md#events); stream events are forwarded by name.</summary>
public interface IGatewayClient
{
    Task Ready(ReadyEvent ready);

    Task MessageCreated(Message message);
}
