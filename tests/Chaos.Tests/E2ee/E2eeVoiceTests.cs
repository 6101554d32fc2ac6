using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Voice;

namespace Chaos.Tests.E2ee;

/// <summary>An e2ee voice channel through the real gateway: frames are relayed with only their size and Opus TOC byte checked.</summary>
[Collection(E2eeServer.Name)]
public sealed class E2eeVoiceTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task EncryptedFrames_AreRelayedOnTheirTocByteAlone_AndCode3OrOversizedFramesAreDropped()
    {
        var community = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        var created = await community.Owner.Http.PostAsJsonAsync($"/api/v1/communities/{community.Id}/channels", new { name = "secret", type = "voice", e2ee = true });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var channel = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await using var speaker = await VoiceClient.ConnectAsync(Server, community.Owner);
        await using var listener = await VoiceClient.ConnectAsync(Server, community.Members[0]);
        await speaker.JoinAsync(channel);
        await listener.JoinAsync(channel);
        await listener.StartReceivingAsync();

        // A 20 ms CELT TOC (config 31, code 1) followed by an odd number of "encrypted" bytes: not a valid Opus packet,
        // so a plain room would drop it; an encrypted room cannot look past the TOC byte and relays it.
        byte[] Encrypted(int length)
        {
            var frame = new byte[length];
            Random.Shared.NextBytes(frame);
            frame[0] = (31 << 3) | 1;
            return frame;
        }

        var code3 = Encrypted(40);
        code3[0] = (31 << 3) | 3;
        var frames = new List<byte[]> { Encrypted(41), code3, Encrypted(1275 + 65), Encrypted(1275 + 64), new byte[] { 0xF8 } };
        frames.Add(Encrypted(60));
        await speaker.SendAsync(frames, firstSequence: 1, pace: TimeSpan.FromMilliseconds(20));

        await Eventually.ReturnsAsync(
            () => Task.FromResult(listener.SequencesFrom(community.Owner.Id)),
            heard => heard.Contains(6u),
            TimeSpan.FromSeconds(30),
            "the last encrypted frame to be relayed");
        listener.SequencesFrom(community.Owner.Id).ShouldBe([1u, 4u, 6u]);
        listener.Received.First(h => h.Sequence == 1).Payload.ShouldBe(frames[0]);
    }
}
