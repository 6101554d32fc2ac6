using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Api.Blobs;
using Chaos.Audio;
using Chaos.Tests.Audio;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Chaos.Tests.Voice;

/// <summary><c>POST /channels/{id}/voice-messages</c> and attachment downloads on one front door with PostgreSQL.</summary>
[Collection(GatewayServer.Name)]
public sealed class VoiceMessageTests(ApiFixture fixture, ITestOutputHelper output)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Wav_RoundTrips_AsOggOpus_WithDurationAndALoudQuietLoudWaveform()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        await using var watcher = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Members[0].AccessToken);
        var wav = AudioFixtures.Wav(AudioFixtures.LoudQuietLoud(), 48000, 1);

        var message = await UploadAsync(room.Owner, room.Text, wav, "audio/wav");
        var attachment = message.GetProperty("attachments").EnumerateArray().Single();
        attachment.GetProperty("contentType").GetString().ShouldBe("audio/ogg");
        attachment.GetProperty("durationMs").GetInt32().ShouldBeInRange(2980, 3020);
        var waveform = Convert.FromBase64String(attachment.GetProperty("waveform").GetString()!);
        waveform.Length.ShouldBeInRange(2, 256);
        var third = waveform.Length / 3;
        double Mean(int from, int to) => waveform[from..to].Average(b => (double)b);
        var (loud1, quiet, loud2) = (Mean(0, third), Mean(third + (third / 4), (2 * third) - (third / 4)), Mean(2 * third, waveform.Length));
        output.WriteLine($"waveform thirds: {loud1:0} / {quiet:0} / {loud2:0}");
        loud1.ShouldBeGreaterThan(quiet * 3);
        loud2.ShouldBeGreaterThan(quiet * 3);

        // Stored as a durable message: history has it, the gateway announced it, the bytes download as valid Ogg Opus.
        var id = message.GetProperty("id").GetString();
        await watcher.WaitForAsync("MessageCreated", m => m.GetProperty("id").GetString() == id && m.GetProperty("attachments").GetArrayLength() == 1);
        var history = await room.Owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{room.Text}/messages");
        var stored = history.EnumerateArray().Single(m => m.GetProperty("id").GetString() == id).GetProperty("attachments").EnumerateArray().Single();
        stored.GetProperty("durationMs").GetInt32().ShouldBe(attachment.GetProperty("durationMs").GetInt32());
        stored.GetProperty("waveform").GetString().ShouldBe(attachment.GetProperty("waveform").GetString());
        var bytes = await DownloadAsync(room.Members[0], attachment);
        bytes.Length.ShouldBe(attachment.GetProperty("size").GetInt32());
        var info = VoiceMessageInspector.InspectOggOpus(new MemoryStream(bytes), AudioFixtures.Limits);
        Math.Abs(info.DurationMs - 3000).ShouldBeLessThanOrEqualTo(20);
    }

    [Fact]
    public async Task WithoutASpeechModel_VoiceMessagesHaveNoTranscriptFields_AndTheStatusSaysSo()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var status = await room.Owner.Http.GetFromJsonAsync<JsonElement>("/api/v1/ai/status");
        status.GetProperty("transcripts").GetProperty("enabled").GetBoolean().ShouldBeFalse();
        status.GetProperty("transcripts").GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("No speech-to-text model");

        var message = await UploadAsync(room.Owner, room.Text, AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 0.5)), "audio/ogg");
        var attachment = message.GetProperty("attachments")[0];
        attachment.TryGetProperty("transcriptStatus", out _).ShouldBeFalse();
        attachment.TryGetProperty("transcript", out _).ShouldBeFalse();
        var history = await room.Owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{room.Text}/messages");
        var stored = history.EnumerateArray().Single(m => m.GetProperty("id").GetString() == message.GetProperty("id").GetString()).GetProperty("attachments")[0];
        stored.TryGetProperty("transcriptStatus", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task OggOpus_And_ResampledStereoWav_KeepTheirDuration()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var ogg = AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 2.5));
        var message = await UploadAsync(room.Owner, room.Voice, ogg, "audio/ogg");
        var attachment = message.GetProperty("attachments").EnumerateArray().Single();
        Math.Abs(attachment.GetProperty("durationMs").GetInt32() - 2500).ShouldBeLessThanOrEqualTo(20);
        (await DownloadAsync(room.Owner, attachment)).ShouldBe(ogg, "an Ogg Opus upload is stored as sent");

        var stereo = AudioFixtures.Wav(AudioFixtures.Sine(16000, 1.5, channels: 2), 16000, 2);
        var converted = (await UploadAsync(room.Owner, room.Text, stereo, "audio/x-wav")).GetProperty("attachments")[0];
        Math.Abs(converted.GetProperty("durationMs").GetInt32() - 1500).ShouldBeLessThanOrEqualTo(20);
    }

    [Fact]
    public async Task Downloads_AreOnlyForUsersWhoCanSeeTheChannel()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        var outsider = await Server.RegisterAsync();
        var attachment = (await UploadAsync(room.Owner, room.Text, AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 0.5)), "audio/ogg")).GetProperty("attachments")[0];
        var url = attachment.GetProperty("url").GetString()!;

        (await room.Members[0].Http.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Problem.ExpectAsync(await outsider.Http.GetAsync(url), 403, "not_a_member");
        await Problem.ExpectAsync(await Server.CreateClient().GetAsync(url), 401, "unauthorized");
        await Problem.ExpectAsync(await room.Owner.Http.GetAsync(url.Replace("voice-message.ogg", "other.ogg", StringComparison.Ordinal)), 404, "not_found");
        await Problem.ExpectAsync(await room.Owner.Http.GetAsync("/api/v1/attachments/42/voice-message.ogg"), 404, "not_found");

        var hide = await room.Owner.Http.PutAsJsonAsync($"/api/v1/channels/{room.Text}/overwrites/{room.Members[0].Id}", new { type = "member", allow = "0", deny = "2" });
        hide.StatusCode.ShouldBe(HttpStatusCode.OK, await hide.Content.ReadAsStringAsync());
        await Problem.ExpectAsync(await room.Members[0].Http.GetAsync(url), 403, "missing_permission");

        var noVoiceMessages = await room.Owner.Http.PutAsJsonAsync($"/api/v1/channels/{room.Voice}/overwrites/{room.Members[0].Id}", new { type = "member", allow = "0", deny = (1L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        noVoiceMessages.StatusCode.ShouldBe(HttpStatusCode.OK);
        var refused = await PostAsync(room.Members[0], room.Voice, AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 0.5)), "audio/ogg");
        (await Problem.ExpectAsync(refused, 403, "missing_permission")).Body.GetProperty("permission").GetString().ShouldBe("SendVoiceMessages");
    }

    [Fact]
    public async Task HostileUploads_AreRejectedWithStableCodes_NeverA5xx()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var validOgg = AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 0.5));
        var validWav = AudioFixtures.Wav(AudioFixtures.Sine(16000, 0.5), 16000, 1);
        var cases = new List<(string Name, byte[] Body, string? Type)>();
        cases.AddRange(HostileInputTests.InvalidOgg.Select(c => ("ogg: " + c.Name, c.Input, (string?)"audio/ogg")));
        cases.AddRange(HostileInputTests.InvalidWav.Select(c => ("wav: " + c.Name, c.Input, (string?)"audio/wav")));
        cases.Add(("wav labelled as ogg", validWav, "audio/ogg"));
        cases.Add(("ogg labelled as wav", validOgg, "audio/wav"));
        cases.Add(("text/plain", validOgg, "text/plain"));
        cases.Add(("json", "{}"u8.ToArray(), "application/json"));
        cases.Add(("no content type", validOgg, null));
        cases.Add(("mp3 type", validOgg, "audio/mpeg"));
        cases.Count.ShouldBeGreaterThanOrEqualTo(20);

        foreach (var (name, body, type) in cases)
        {
            var response = await PostAsync(room.Owner, room.Text, body, type);
            ((int)response.StatusCode).ShouldBeLessThan(500, name);
            await Problem.ExpectAsync(response, 415, "unsupported_media");
        }

        output.WriteLine($"{cases.Count} hostile uploads rejected with 415 unsupported_media");
        await Problem.ExpectAsync(await PostAsync(room.Owner, "123", validOgg, "audio/ogg"), 404, "not_found");
        await Problem.ExpectAsync(await PostAsync(room.Owner, "x", validOgg, "audio/ogg"), 400, "validation_failed");
    }

    [Fact]
    public async Task SizeAndDurationLimits_AreEnforcedWhileStreaming()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);

        // Declared too large: refused before reading (Expect: 100-continue, so the client waits for the verdict).
        var declared = new ByteArrayContent(new byte[(25 * 1024 * 1024) + 1]);
        declared.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        await Problem.ExpectAsync(await SendExpectingContinueAsync(room.Owner, room.Text, declared), 413, "payload_too_large");

        // Chunked without a length: cut off by the running count while streaming.
        var chunked = new StreamContent(new FiniteStream((25 * 1024 * 1024) + (64 * 1024)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("audio/ogg");
        await Problem.ExpectAsync(await SendExpectingContinueAsync(room.Owner, room.Text, chunked), 413, "payload_too_large");

        // Under 25 MiB but longer than 10 minutes.
        var eleven = AudioFixtures.Wav(new short[8000 * 660], 8000, 1);
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, eleven, "audio/wav"), 413, "payload_too_large");
    }

    [Fact]
    public async Task DeletingAVoiceMessage_DeletesItsBytes_AndTheDownloadAnswers404()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        var message = await UploadAsync(room.Owner, room.Text, AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 0.5)), "audio/ogg");
        var attachment = message.GetProperty("attachments")[0];
        var url = attachment.GetProperty("url").GetString()!;
        var attachmentId = long.Parse(attachment.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var blobs = Server.Services.GetRequiredService<IBlobStore>();
        (await room.Members[0].Http.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var deleted = await room.Owner.Http.DeleteAsync($"/api/v1/channels/{room.Text}/messages/{message.GetProperty("id").GetString()}");
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await Problem.ExpectAsync(await room.Members[0].Http.GetAsync(url), 404, "not_found");
        (await blobs.GetInfoAsync(attachmentId, CancellationToken.None)).ShouldBeNull();
        (await blobs.OpenReadAsync(attachmentId, CancellationToken.None)).ShouldBeNull("the bytes are gone, not merely hidden");
    }

    [Fact]
    public async Task Blobs_AreWrittenOnce_OwnerOnly_AndNeverOverwritten()
    {
        var root = Path.Combine(Path.GetTempPath(), "chaos-blob-test-" + Guid.NewGuid().ToString("N"), "blobs");
        var store = new LocalBlobStore(root);
        var info = new BlobInfo(7, 1, "a.ogg", "audio/ogg", 3);
        await store.SaveAsync(info, new MemoryStream([1, 2, 3]), CancellationToken.None);

        await Should.ThrowAsync<IOException>(() => store.SaveAsync(info, new MemoryStream([9, 9, 9]), CancellationToken.None));
        await using (var read = (await store.OpenReadAsync(7, CancellationToken.None))!)
        {
            var bytes = new byte[3];
            await read.ReadExactlyAsync(bytes);
            bytes.ShouldBe(new byte[] { 1, 2, 3 });
        }

        // No partial files are left behind.
        string.Join(",", Directory.GetFiles(root).Select(Path.GetFileName).Order(StringComparer.Ordinal)).ShouldBe("7.blob,7.json");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(root).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.GetUnixFileMode(Path.Combine(root, "7.blob")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.Delete(Path.GetDirectoryName(root)!, recursive: true);
    }

    [Fact]
    public void TheDefaultBlobPath_IsUnderTheContentRoot_NotTheTempFolder()
    {
        var store = (LocalBlobStore)Server.Services.GetRequiredService<IBlobStore>();
        var environment = Server.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>();
        store.Root.ShouldBe(Path.Combine(environment.ContentRootPath, "data", "blobs"));
        // Meaningful only where the content root itself is outside the temp folder (a checkout under /tmp is not).
        if (!environment.ContentRootPath.StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
        {
            store.Root.StartsWith(Path.GetTempPath(), StringComparison.Ordinal).ShouldBeFalse();
        }
    }

    private static async Task<JsonElement> UploadAsync(TestUser user, string channelId, byte[] body, string type)
    {
        var response = await PostAsync(user, channelId, body, type);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        message.GetProperty("content").GetString().ShouldBe(string.Empty);
        message.GetProperty("author").GetProperty("id").GetString().ShouldBe(user.Id);
        return message;
    }

    private static Task<HttpResponseMessage> SendExpectingContinueAsync(TestUser user, string channelId, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channelId}/voice-messages") { Content = content };
        request.Headers.ExpectContinue = true;
        return user.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostAsync(TestUser user, string channelId, byte[] body, string? type)
    {
        var content = new ByteArrayContent(body);
        if (type is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
        }

        return user.Http.PostAsync($"/api/v1/channels/{channelId}/voice-messages", content);
    }

    private static async Task<byte[]> DownloadAsync(TestUser user, JsonElement attachment)
    {
        var response = await user.Http.GetAsync(attachment.GetProperty("url").GetString());
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/ogg");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>A body of <paramref name="length"/> bytes that does not tell its length (so it is sent chunked).</summary>
    private sealed class FiniteStream(long length) : Stream
    {
        private long left = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, left);
            Array.Fill(buffer, (byte)0x4F, offset, n);
            left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
