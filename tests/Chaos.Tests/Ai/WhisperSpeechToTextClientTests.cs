using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Ai;
using Chaos.Errors;
using Chaos.Tests.Audio;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Voice;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chaos.Tests.Ai;

/// <summary>
/// The Whisper.net adapter without a usable model file (no model ships anywhere): it says why in the status, fails
/// calls with <c>ai_unavailable</c>, and a server configured with a missing file starts and makes no transcripts.
/// </summary>
public sealed class WhisperSpeechToTextClientTests
{
    [Fact]
    public async Task MissingModelFile_IsReported_AndCallsFailAsUnavailable()
    {
        var path = Path.Combine(Path.GetTempPath(), "chaos-no-such-model-" + Guid.NewGuid().ToString("N") + ".bin");
        using var client = new WhisperSpeechToTextClient(path, 1, NullLogger<WhisperSpeechToTextClient>.Instance);

        client.Status.Enabled.ShouldBeFalse();
        client.Status.Detail.ShouldNotBeNull().ShouldContain("does not exist");
        var failure = await Should.ThrowAsync<ChaosException>(() => client.GetTextAsync(new MemoryStream(AudioFixtures.Wav(AudioFixtures.Sine(16000, 0.2), 16000, 1))));
        failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
        failure.Message.ShouldContain(path);
    }

    [Fact]
    public async Task UnloadableModelFile_FailsCallsAsUnavailable_AndTheStatusSaysSoFromThenOn()
    {
        var path = Path.Combine(Path.GetTempPath(), "chaos-bad-model-" + Guid.NewGuid().ToString("N") + ".bin");
        await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);
        try
        {
            using var client = new WhisperSpeechToTextClient(path, 1, NullLogger<WhisperSpeechToTextClient>.Instance);
            client.Status.Enabled.ShouldBeTrue("the file exists; whether it loads is known once it is used");

            var failure = await Should.ThrowAsync<ChaosException>(() => client.GetTextAsync(new MemoryStream(AudioFixtures.Wav(AudioFixtures.Sine(16000, 0.2), 16000, 1))));
            failure.Code.ShouldBe(ErrorCodes.AiUnavailable);
            failure.Message.ShouldContain("could not be loaded");
            client.Status.Enabled.ShouldBeFalse();
            client.Status.Detail.ShouldNotBeNull().ShouldContain("could not be loaded");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ServerWithAMissingModelFile_Starts_SaysWhy_AndMakesNoTranscripts()
    {
        var path = Path.Combine(Path.GetTempPath(), "chaos-no-such-model-" + Guid.NewGuid().ToString("N") + ".bin");
        await using var server = await ChaosServer.StartAsync(null, new Dictionary<string, string?> { ["Chaos:Ai:SpeechModelPath"] = path });
        var room = await VoiceTestCommunity.CreateAsync(server, members: 0);

        var status = await room.Owner.Http.GetFromJsonAsync<JsonElement>("/api/v1/ai/status");
        status.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        var transcripts = status.GetProperty("transcripts");
        transcripts.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        transcripts.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("does not exist");

        var content = new ByteArrayContent(AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 0.5)));
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/ogg");
        var response = await room.Owner.Http.PostAsync($"/api/v1/channels/{room.Text}/voice-messages", content);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var attachment = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments")[0];
        attachment.TryGetProperty("transcriptStatus", out _).ShouldBeFalse();
        attachment.TryGetProperty("transcript", out _).ShouldBeFalse();
    }
}
