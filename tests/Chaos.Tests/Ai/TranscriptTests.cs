using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Audio;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Voice;

namespace Chaos.Tests.Ai;

/// <summary>
/// Voice-message transcripts (docs/api.md#ai-assistance) through the real upload, the front door's transcriber, the
/// Channel grain over PostgreSQL and the real gateway; only the speech model is a fake.
/// </summary>
public sealed class TranscriptTests(TranscriptFixture fixture) : IClassFixture<TranscriptFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private ChaosServer Server => fixture.Server;

    private FakeSpeechToTextClient Speech => fixture.Speech;

    [Fact]
    public async Task VoiceMessage_IsPendingThenDone_WithAMessageUpdated_AndTheTextInHistory()
    {
        Speech.Reply = _ => Task.FromResult(FakeSpeechToTextClient.DefaultText);
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        await using var watcher = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Members[0].AccessToken);
        var status = await room.Owner.Http.GetFromJsonAsync<JsonElement>("/api/v1/ai/status");
        status.GetProperty("transcripts").GetProperty("enabled").GetBoolean().ShouldBeTrue();
        status.GetProperty("transcripts").GetProperty("model").GetString().ShouldBe("fake-whisper");
        var heard = Speech.Received.Count;

        var sent = await UploadAsync(room.Owner, room.Text, seconds: 1.5);
        var id = sent.GetProperty("id").GetString()!;
        var attachment = sent.GetProperty("attachments")[0];
        attachment.GetProperty("transcriptStatus").GetString().ShouldBe("pending");
        attachment.TryGetProperty("transcript", out _).ShouldBeFalse();

        var updated = await watcher.WaitForAsync("MessageUpdated", m => m.GetProperty("id").GetString() == id, Deadline);
        var done = updated.GetProperty("attachments")[0];
        done.GetProperty("transcriptStatus").GetString().ShouldBe("done");
        done.GetProperty("transcript").GetString().ShouldBe(FakeSpeechToTextClient.DefaultText.Trim());
        done.GetProperty("durationMs").GetInt32().ShouldBe(attachment.GetProperty("durationMs").GetInt32());

        var history = await room.Members[0].Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{room.Text}/messages");
        var stored = history.EnumerateArray().Single(m => m.GetProperty("id").GetString() == id).GetProperty("attachments")[0];
        stored.GetProperty("transcriptStatus").GetString().ShouldBe("done");
        stored.GetProperty("transcript").GetString().ShouldBe(FakeSpeechToTextClient.DefaultText.Trim());

        // The model heard the voice message once, as a 16 kHz mono 16-bit WAV of its length.
        Speech.Received.Count.ShouldBe(heard + 1);
        var wav = Speech.Received[^1];
        System.Text.Encoding.ASCII.GetString(wav, 0, 4).ShouldBe("RIFF");
        BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)).ShouldBe((short)1);
        BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)).ShouldBe(16000);
        BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(34)).ShouldBe((short)16);
        var samples = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)) / 2;
        samples.ShouldBeInRange(23_500, 24_500);
        AudioFixtures.Rms(ToSamples(wav.AsSpan(44))).ShouldBeGreaterThan(1000, "the decoded audio is the sine, not silence");
    }

    [Fact]
    public async Task FailingSpeechModel_MarksTheTranscriptFailed()
    {
        Speech.Reply = _ => Task.FromException<string>(new InvalidOperationException("the model crashed"));
        try
        {
            var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
            await using var watcher = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Owner.AccessToken);
            var id = (await UploadAsync(room.Owner, room.Text, seconds: 0.5)).GetProperty("id").GetString()!;

            var failed = (await watcher.WaitForAsync("MessageUpdated", m => m.GetProperty("id").GetString() == id, Deadline)).GetProperty("attachments")[0];
            failed.GetProperty("transcriptStatus").GetString().ShouldBe("failed");
            failed.TryGetProperty("transcript", out _).ShouldBeFalse();
        }
        finally
        {
            Speech.Reply = _ => Task.FromResult(FakeSpeechToTextClient.DefaultText);
        }
    }

    [Fact]
    public async Task HangingSpeechModel_IsTimedOut_AndTheNextMessageIsTranscribed()
    {
        var hang = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Hangs and ignores its token: the transcriber must give up on it all the same.
        Speech.Reply = _ => hang.Task;
        try
        {
            var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
            await using var watcher = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Owner.AccessToken);
            var id = (await UploadAsync(room.Owner, room.Text, seconds: 0.5)).GetProperty("id").GetString()!;
            var failed = (await watcher.WaitForAsync("MessageUpdated", m => m.GetProperty("id").GetString() == id, Deadline)).GetProperty("attachments")[0];
            failed.GetProperty("transcriptStatus").GetString().ShouldBe("failed");

            Speech.Reply = _ => Task.FromResult("after the hang");
            var next = (await UploadAsync(room.Owner, room.Text, seconds: 0.5)).GetProperty("id").GetString()!;
            var done = (await watcher.WaitForAsync("MessageUpdated", m => m.GetProperty("id").GetString() == next, Deadline)).GetProperty("attachments")[0];
            done.GetProperty("transcript").GetString().ShouldBe("after the hang");
        }
        finally
        {
            hang.TrySetResult("too late");
            Speech.Reply = _ => Task.FromResult(FakeSpeechToTextClient.DefaultText);
        }
    }

    [Fact]
    public async Task ExcludedChannel_GetsNoTranscript_AndNothingReachesTheModel()
    {
        Speech.Reply = _ => Task.FromResult(FakeSpeechToTextClient.DefaultText);
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var excluded = await room.Owner.Http.PatchAsJsonAsync($"/api/v1/channels/{room.Text}", new { aiExcluded = true });
        excluded.StatusCode.ShouldBe(HttpStatusCode.OK, await excluded.Content.ReadAsStringAsync());
        var created = await room.Owner.Http.PostAsJsonAsync($"/api/v1/communities/{room.Id}/channels", new { name = "included", type = "text" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var included = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await using var watcher = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Owner.AccessToken);
        var heard = Speech.Received.Count;

        var keptMessage = await UploadAsync(room.Owner, room.Text, seconds: 0.5);
        var kept = keptMessage.GetProperty("attachments")[0];
        kept.TryGetProperty("transcriptStatus", out _).ShouldBeFalse();
        kept.TryGetProperty("transcript", out _).ShouldBeFalse();

        // One queue per front door, in order: once a later message of another channel is done, the excluded one would
        // have been heard before it.
        var other = (await UploadAsync(room.Owner, included, seconds: 0.5)).GetProperty("id").GetString()!;
        await watcher.WaitForAsync("MessageUpdated", m => m.GetProperty("id").GetString() == other, Deadline);
        Speech.Received.Count.ShouldBe(heard + 1);
        var history = await room.Owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{room.Text}/messages");
        history.EnumerateArray().Single(m => m.GetProperty("id").GetString() == keptMessage.GetProperty("id").GetString())
            .GetProperty("attachments")[0].TryGetProperty("transcriptStatus", out _).ShouldBeFalse();
    }

    private static short[] ToSamples(ReadOnlySpan<byte> bytes)
    {
        var samples = new short[bytes.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]);
        }

        return samples;
    }

    private static async Task<JsonElement> UploadAsync(TestUser user, string channelId, double seconds)
    {
        var content = new ByteArrayContent(AudioFixtures.OggOpus(AudioFixtures.Sine(48000, seconds)));
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/ogg");
        var response = await user.Http.PostAsync($"/api/v1/channels/{channelId}/voice-messages", content);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
