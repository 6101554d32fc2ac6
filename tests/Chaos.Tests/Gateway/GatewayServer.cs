using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Gateway;

/// <summary>
/// One front door shared by the gateway, send-pipeline, SDK gateway and voice-message tests: each test uses its own users
/// and channels.
/// </summary>
[CollectionDefinition(Name)]
[StartsEarly]
public sealed class GatewayServer : ICollectionFixture<ApiFixture>
{
    public const string Name = "Shared server: gateway and messages";
}
