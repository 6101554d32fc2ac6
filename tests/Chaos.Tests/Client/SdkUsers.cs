using Chaos.Client;
using Chaos.Client.Communities;
using Chaos.Client.Gateway;
using Chaos.Client.Messages;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Client;

/// <summary>Fresh SDK users and communities for SDK tests (everything through the SDK itself).</summary>
public static class SdkUsers
{
    public static async Task<ChaosClient> RegisterAsync(Uri frontDoor)
    {
        var client = new ChaosClient(frontDoor);
        await client.RegisterAsync(TestUser.UniqueName("sdk"), "correct horse battery");
        return client;
    }

    /// <summary>An owner's community with <paramref name="members"/> joined through an invite; answers the community and its text channel.</summary>
    public static async Task<(Community Community, string ChannelId)> CommunityAsync(ChaosClient owner, params ChaosClient[] members)
    {
        var community = await owner.CreateCommunityAsync("sdk " + Guid.NewGuid().ToString("N")[..8]);
        var invite = await owner.CreateInviteAsync(community.Id, maxUses: 0);
        foreach (var member in members)
        {
            await member.AcceptInviteAsync(invite.Code);
        }

        return (community, community.Channels.First(c => c.Type == ChannelType.Text).Id);
    }

    /// <summary>A started gateway that records every message it raises, in order.</summary>
    public static async Task<(ChaosGateway Gateway, RecordedMessages Messages)> GatewayAsync(ChaosClient client, GatewayProtocol protocol = GatewayProtocol.Json, params Uri[] frontDoors)
    {
        var options = new ChaosGatewayOptions { Protocol = protocol };
        foreach (var door in frontDoors)
        {
            options.FrontDoors.Add(door);
        }

        return await GatewayAsync(client, options);
    }

    /// <summary>A started gateway with the given options that records every message it raises, in order.</summary>
    public static async Task<(ChaosGateway Gateway, RecordedMessages Messages)> GatewayAsync(ChaosClient client, ChaosGatewayOptions options)
    {
        var gateway = new ChaosGateway(client, options);
        var recorded = new RecordedMessages();
        gateway.MessageCreated += recorded.Add;
        await gateway.StartAsync();
        return (gateway, recorded);
    }
}
