using System.Globalization;
using System.Text.Json;
using Chaos.Audio;
using Chaos.Client;
using Chaos.Client.Gateway;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Voice;

namespace Chaos.Tests.Web;

/// <summary>
/// Voice in the web client (e2e/voice.mjs): two headless Chromium browsers with a WAV file as their microphones in one
/// voice room — frames both ways, sound not silence, mute, deafen, a dropped connection, moderation, voice messages —
/// while a .NET SDK client in the same room decodes the browser's WebCodecs Opus frames with Concentus.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class WebVoiceTests
{
    [Fact]
    public async Task TwoBrowsersAndAnSdkClient_ShareAVoiceRoom_AndVoiceMessagesPlayAcrossBrowsers()
    {
        File.Exists("/usr/bin/chromium").ShouldBeTrue("The end-to-end tests need Debian's chromium (.ci/run installs it).");
        await using var server = await ChaosServer.StartAsync(null);
        var room = await VoiceTestCommunity.CreateAsync(server, members: 2);
        var (alice, bob, carol) = (room.Owner, room.Members[0], room.Members[1]);
        var setup = JsonSerializer.Serialize(new
        {
            users = new[] { alice, bob }.Select(u => new { username = u.Username, password = u.Password, displayName = u.Username, id = u.Id }),
            communityId = room.Id,
            voiceChannelId = room.Voice,
            textChannelId = room.Text,
        });
        var output = Path.Combine(AppContext.BaseDirectory, "web-voice");
        var environment = new Dictionary<string, string>
        {
            ["CHAOS_E2E_URL"] = server.BaseAddress.ToString().TrimEnd('/'),
            ["CHAOS_E2E_SETUP"] = setup,
            ["CHAOS_E2E_OUT"] = output,
            ["CHAOS_E2E_TIMEOUT"] = 45_000.ToString(CultureInfo.InvariantCulture),
        };
        var browsers = NodeRunner.RunAsync("node", ["e2e/voice.mjs"], environment, TimeSpan.FromMinutes(8));

        // Carol listens with the SDK while the browsers talk: Alice's frames (WebCodecs Opus) decode with Concentus.
        var decoded = 0;
        var loud = 0;
        using (var sdk = new ChaosClient(server.BaseAddress))
        {
            await sdk.LoginAsync(carol.Username, carol.Password);
            await using var gateway = new ChaosGateway(sdk, new ChaosGatewayOptions());
            await gateway.StartAsync();
            await gateway.JoinVoiceAsync(room.Voice);
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            using var decoder = new OpusDecoder(1);
            var pcm = new short[OpusDecoder.MaxFrameSize];
            await foreach (var frame in gateway.ReceiveVoiceAsync(deadline.Token))
            {
                if (frame.UserId != alice.Id)
                {
                    continue;
                }

                var samples = decoder.Decode(frame.Payload, pcm);
                samples.ShouldBe(960, "one 20 ms frame at 48 kHz");
                decoded++;
                if (Math.Sqrt(pcm.Take(samples).Average(s => (double)s * s)) > 300)
                {
                    loud++;
                }

                if (loud >= 50)
                {
                    break;
                }
            }

            await gateway.LeaveVoiceAsync();
        }

        var (exitCode, log) = await browsers;
        exitCode.ShouldBe(0, log);
        loud.ShouldBeGreaterThanOrEqualTo(50, $"{decoded} frames decoded");
        var metrics = log.Split('\n').Single(l => l.StartsWith("VOICE-METRICS ", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(output, "voice-metrics.json"), metrics["VOICE-METRICS ".Length..]);
    }
}
