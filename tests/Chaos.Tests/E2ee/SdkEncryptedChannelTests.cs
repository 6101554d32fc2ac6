using System.Net.Http.Json;
using Chaos.Client.Gateway;
using Chaos.Tests.Client;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.E2ee;

/// <summary>
/// The .NET SDK has no MLS implementation: it reads an e2ee channel's ciphertext but refuses to send plaintext there, with
/// an error that says why, over REST and the gateway alike.
/// </summary>
[Collection(E2eeServer.Name)]
public sealed class SdkEncryptedChannelTests(ApiFixture fixture)
{
    [Fact]
    public async Task Sdk_RefusesToSendPlaintextToAnEncryptedChannel_AndReadsItsCiphertext()
    {
        var ada = await fixture.Server.RegisterAsync();
        using var bob = await SdkUsers.RegisterAsync(fixture.Server.BaseAddress);
        var channel = await bob.CreateEncryptedDmAsync([ada.Id]);
        channel.E2ee.ShouldBeTrue();
        channel.AiExcluded.ShouldBeTrue();
        var ciphertext = new byte[] { 1, 2, 3, 250 };
        (await ada.Http.PostAsJsonAsync($"/api/v1/channels/{channel.Id}/messages", new { ciphertext = Convert.ToBase64String(ciphertext) })).EnsureSuccessStatusCode();

        var history = await bob.GetMessagesAsync(channel.Id);
        history.Single().Ciphertext.ShouldBe(ciphertext);
        history.Single().Content.ShouldBeEmpty();

        var refused = await Should.ThrowAsync<NotSupportedException>(() => bob.SendMessageAsync(channel.Id, "in the clear"));
        refused.Message.ShouldContain("end-to-end encrypted");
        await using var gateway = new ChaosGateway(bob, new ChaosGatewayOptions { Protocol = GatewayProtocol.MessagePack });
        await gateway.StartAsync();
        (await Should.ThrowAsync<NotSupportedException>(() => gateway.SendMessageAsync(channel.Id, "in the clear"))).Message.ShouldContain("MLS");

        // Nothing in the clear was stored.
        (await bob.GetMessagesAsync(channel.Id)).Count.ShouldBe(1);
    }
}
