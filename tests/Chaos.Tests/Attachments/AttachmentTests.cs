using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chaos.Api.Attachments;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Chaos.Tests.Voice;
using SkiaSharp;
using Xunit.Abstractions;

namespace Chaos.Tests.Attachments;

/// <summary>
/// <c>POST /channels/{id}/attachments</c> and downloads on a real front door with PostgreSQL: the happy path, hostile
/// uploads (sizes enforced while streaming, lying types, image bombs, path tricks, half-sent bodies — none leaves anything
/// in the blob store or the staging directory), the permission matrix, ranges and deletion with the message.
/// </summary>
public sealed class AttachmentTests(AttachmentFixture fixture, ITestOutputHelper output) : IClassFixture<AttachmentFixture>
{
    private const string Files = "files";
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task AnImageAndAFile_BecomeOneMessage_WithDimensionsAThumbnailAndSniffedTypes()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        await using var watcher = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Members[0].AccessToken);
        var png = TestImages.Encode(600, 300, SKEncodedImageFormat.Png);
        var nonce = Guid.NewGuid().ToString("N");

        var message = await UploadAsync(room.Owner, room.Text, [("photo.png", png, "image/png"), ("notes.txt", "hello\nworld"u8.ToArray(), "image/png")], content: "look", nonce: nonce);
        message.GetProperty("content").GetString().ShouldBe("look");
        message.GetProperty("nonce").GetString().ShouldBe(nonce);
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        attachments.Count.ShouldBe(2);
        var image = attachments[0];
        image.GetProperty("filename").GetString().ShouldBe("photo.png");
        image.GetProperty("contentType").GetString().ShouldBe("image/png");
        image.GetProperty("size").GetInt32().ShouldBe(png.Length);
        image.GetProperty("width").GetInt32().ShouldBe(600);
        image.GetProperty("height").GetInt32().ShouldBe(300);
        attachments[1].GetProperty("contentType").GetString().ShouldBe("text/plain; charset=utf-8", "the declared image/png is not trusted");
        attachments[1].TryGetProperty("width", out var width).ShouldBe(width.ValueKind == JsonValueKind.Null);

        // The thumbnail is a real image of at most 256 px that fits the original's shape.
        var thumbnail = await room.Members[0].Http.GetAsync(image.GetProperty("thumbnailUrl").GetString());
        thumbnail.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var decoded = SKBitmap.Decode(await thumbnail.Content.ReadAsByteArrayAsync()))
        {
            (decoded.Width, decoded.Height).ShouldBe((256, 128));
        }

        (await DownloadAsync(room.Members[0], image)).ShouldBe(png);
        var id = message.GetProperty("id").GetString();
        await watcher.WaitForAsync("MessageCreated", m => m.GetProperty("id").GetString() == id && m.GetProperty("attachments").GetArrayLength() == 2);

        // The same nonce again answers the original message, and the second copy's bytes are not kept.
        var blobsBefore = fixture.BlobFiles();
        var again = await UploadAsync(room.Owner, room.Text, [("photo.png", png, "image/png")], content: "look", nonce: nonce);
        again.GetProperty("id").GetString().ShouldBe(id);
        fixture.BlobFiles().ShouldBe(blobsBefore);
        fixture.StagingEntries().ShouldBeEmpty();

        var history = await room.Owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{room.Text}/messages");
        var stored = history.EnumerateArray().Single(m => m.GetProperty("id").GetString() == id).GetProperty("attachments")[0];
        stored.GetProperty("thumbnailUrl").GetString().ShouldBe(image.GetProperty("thumbnailUrl").GetString());
        stored.GetProperty("width").GetInt32().ShouldBe(600);
    }

    [Fact]
    public async Task EveryImageFormat_IsMeasured_AndTextOnlyOptional()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var files = new List<(string, byte[], string?)>
        {
            ("a.jpg", TestImages.Encode(1000, 500, SKEncodedImageFormat.Jpeg), null),
            ("b.webp", TestImages.Encode(100, 400, SKEncodedImageFormat.Webp), "application/octet-stream"),
            ("c.gif", TestImages.TinyGif(), "text/plain"),
        };
        var attachments = (await UploadAsync(room.Owner, room.Text, files)).GetProperty("attachments").EnumerateArray().ToList();
        attachments.Select(a => a.GetProperty("contentType").GetString()).ShouldBe(["image/jpeg", "image/webp", "image/gif"]);
        attachments.Select(a => (a.GetProperty("width").GetInt32(), a.GetProperty("height").GetInt32())).ShouldBe([(1000, 500), (100, 400), (1, 1)]);
        foreach (var attachment in attachments)
        {
            using var thumb = SKBitmap.Decode(await (await room.Owner.Http.GetAsync(attachment.GetProperty("thumbnailUrl").GetString())).Content.ReadAsByteArrayAsync());
            Math.Max(thumb.Width, thumb.Height).ShouldBeLessThanOrEqualTo(256);
        }
    }

    [Fact]
    public async Task LyingContentTypes_AreServedAsWhatTheBytesAre_WithSafeHeaders()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var html = "<html><script>alert(document.cookie)</script></html>"u8.ToArray();
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"u8.ToArray();
        var binary = new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0xFF, 0xFE };
        var pdf = "%PDF-1.7\n%...\n"u8.ToArray();
        var message = await UploadAsync(room.Owner, room.Text, [("page.html", html, "text/html"), ("icon.svg", svg, "image/svg+xml"), ("setup.exe", binary, "image/jpeg"), ("doc.pdf", pdf, "text/plain")]);
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        attachments.Select(a => a.GetProperty("contentType").GetString()).ShouldBe(["text/plain; charset=utf-8", "text/plain; charset=utf-8", "application/octet-stream", "application/pdf"]);

        foreach (var attachment in attachments)
        {
            var response = await room.Owner.Http.GetAsync(attachment.GetProperty("url").GetString());
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("sandbox");
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("default-src 'none'");
            response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment", "nothing that is not an image, audio or video opens inline");
            response.Content.Headers.ContentType!.ToString().ShouldBe(attachment.GetProperty("contentType").GetString());
        }

        var png = await UploadAsync(room.Owner, room.Text, [("x.png", TestImages.Encode(10, 10, SKEncodedImageFormat.Png), "text/plain")]);
        var inline = await room.Owner.Http.GetAsync(png.GetProperty("attachments")[0].GetProperty("url").GetString());
        inline.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("inline");
        inline.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\Windows\\System32\\evil.dll", "evil.dll")]
    [InlineData("/absolute/path/report.pdf", "report.pdf")]
    [InlineData("innocent\u202Etxt.exe", "innocenttxt.exe")]
    [InlineData("tab\tand\u0000nul\u001b.txt", "tabandnul.txt")]
    [InlineData("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt")]
    [InlineData("  ..  ", "file")]
    [InlineData("..", "file")]
    [InlineData("", "file")]
    [InlineData(".hidden.", "hidden")]
    [InlineData("café.png", "café.png")]
    public void Filenames_AreSanitised(string name, string expected) => FilenameSanitizer.Sanitize(name).ShouldBe(expected);

    [Fact]
    public void LongFilenames_AreCutTo255Bytes_KeepingTheExtension_AndWholeCharacters()
    {
        var name = string.Concat(Enumerable.Repeat("日本語👍🏽", 60)) + ".tar";
        var clean = FilenameSanitizer.Sanitize(name);
        Encoding.UTF8.GetByteCount(clean).ShouldBeLessThanOrEqualTo(255);
        clean.ShouldEndWith(".tar");
        clean.ShouldStartWith("日本語👍🏽");
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(clean)).ShouldBe(clean, "no surrogate pair was split");
    }

    [Fact]
    public async Task PathTricks_InAnUpload_NeverReachTheStoreOrTheUrl()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var before = fixture.BlobFiles();
        var message = await UploadAsync(room.Owner, room.Text, [("../../../../tmp/evil.txt", "x"u8.ToArray(), null), ("..\\..\\a b%2F.txt", "y"u8.ToArray(), null)]);
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        attachments.Select(a => a.GetProperty("filename").GetString()).ShouldBe(["evil.txt", "a b%2F.txt"]);
        attachments[1].GetProperty("url").GetString()!.ShouldEndWith("/a%20b%252F.txt");
        (await DownloadAsync(room.Owner, attachments[1])).ShouldBe("y"u8.ToArray());

        // The store names files by id only.
        var added = fixture.BlobFiles().Except(before).ToList();
        added.Count.ShouldBe(4);
        added.ShouldAllBe(f => f.EndsWith(".blob", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal));
        added.Select(f => Path.GetFileNameWithoutExtension(f)).ShouldAllBe(stem => stem.All(char.IsAsciiDigit));
        File.Exists(Path.Combine(Path.GetTempPath(), "evil.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task Oversized_Uploads_AreStoppedWhileStreaming_AndLeaveNothing()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var before = fixture.BlobFiles();

        // One file over 25 MiB, sent chunked (no length to judge by): the running count stops it.
        var tooBig = Multipart([("big.bin", null, null)], bigPart: new FiniteStream((25 * 1024 * 1024) + 1));
        await Problem.ExpectAsync(await PostExpectingContinueAsync(room.Owner, room.Text, tooBig), 413, "payload_too_large");

        // Three files of 16.8 MiB: each fits, together they pass 50 MiB (the body stays under the route's hard limit of
        // 51 MiB, so the server can read the rest and answer instead of cutting the connection).
        var content = new MultipartFormDataContent();
        for (var i = 0; i < 3; i++)
        {
            var part = new StreamContent(new FiniteStream(168 * 1024 * 1024 / 10));
            content.Add(part, Files, $"part{i}.bin");
        }

        await Problem.ExpectAsync(await PostExpectingContinueAsync(room.Owner, room.Text, content), 413, "payload_too_large");

        // A declared length over the limit is refused before the body is read (the client waits for 100-continue).
        var declared = new ByteArrayContent(new byte[(51 * 1024 * 1024) + 1]);
        declared.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        await Problem.ExpectAsync(await PostExpectingContinueAsync(room.Owner, room.Text, declared), 413, "payload_too_large");

        var eleven = Enumerable.Range(0, 11).Select(i => ($"{i}.txt", (byte[]?)"x"u8.ToArray(), (string?)null)).ToList();
        (await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart(eleven)), 400, "validation_failed")).Body.GetProperty("errors").GetProperty("files");
        var none = new MultipartFormDataContent { { new StringContent("only text"), "content" } };
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, none), 400, "validation_failed");
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart([("empty.txt", [], null)])), 400, "validation_failed");

        await AssertNothingLeftAsync(before);
    }

    [Fact]
    public async Task ImageBombs_AreRefusedFromTheirHeader_BeforeDecoding()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var before = fixture.BlobFiles();
        var bombs = new List<(string Name, byte[] Bytes)>
        {
            ("png 100000x100000", TestImages.PngBomb(100_000, 100_000)),
            ("png 2^31-1 wide", TestImages.PngBomb(int.MaxValue, 2)),
            ("png 8000x8000", TestImages.PngBomb(8000, 8000)),
            ("gif 65535x65535", TestImages.GifBomb()),
        };
        foreach (var (name, bytes) in bombs)
        {
            output.WriteLine($"{name}: {bytes.Length} bytes");
            var response = await PostAsync(room.Owner, room.Text, Multipart([("bomb.png", bytes, "image/png")]));
            (await Problem.ExpectAsync(response, 413, "payload_too_large")).Detail!.ShouldContain("pixels", customMessage: name);
        }

        // A file with an image's signature whose data does not decode is refused, never stored as an image.
        byte[] broken = [.. TestImages.Encode(50, 50, SKEncodedImageFormat.Png).Take(40), .. new byte[200]];
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart([("broken.png", broken, "image/png")])), 415, "unsupported_media");
        byte[] headerOnly = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart([("h.png", headerOnly, "image/png")])), 415, "unsupported_media");

        await AssertNothingLeftAsync(before);
    }

    [Fact]
    public async Task HalfFinishedMultipartBodies_AreRefused_AndLeaveNothingBehind()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var before = fixture.BlobFiles();
        var url = $"/api/v1/channels/{room.Text}/attachments";

        // The body ends inside a file, before the closing boundary.
        var cut = "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhello, this file never ends"u8.ToArray();
        await Problem.ExpectAsync(await room.Owner.Http.PostAsync(url, Raw(cut, "b")), 400, "validation_failed");

        // No closing boundary after a complete part.
        var unclosed = "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nhello\r\n"u8.ToArray();
        await Problem.ExpectAsync(await room.Owner.Http.PostAsync(url, Raw(unclosed, "b")), 400, "validation_failed");

        // Garbage, a part without Content-Disposition, an unknown part, a broken boundary parameter, not multipart at all.
        await Problem.ExpectAsync(await room.Owner.Http.PostAsync(url, Raw("not multipart at all"u8.ToArray(), "b")), 400, "validation_failed");
        await Problem.ExpectAsync(await room.Owner.Http.PostAsync(url, Raw("--b\r\nX-Other: 1\r\n\r\nhi\r\n--b--\r\n"u8.ToArray(), "b")), 400, "validation_failed");
        await Problem.ExpectAsync(await room.Owner.Http.PostAsync(url, Raw("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nhi\r\n--b--\r\n"u8.ToArray(), "b")), 400, "validation_failed");
        var noBoundary = new ByteArrayContent("x"u8.ToArray());
        noBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        await Problem.ExpectAsync(await room.Owner.Http.PostAsync(url, noBoundary), 415, "unsupported_media");
        await Problem.ExpectAsync(await room.Owner.Http.PostAsJsonAsync(url, new { content = "hi" }), 415, "unsupported_media");
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)], nonce: new string('n', 65))), 400, "validation_failed");
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)], content: "bad\u0007bell")), 400, "validation_failed");
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)], replyToId: "abc")), 400, "validation_failed");
        await Problem.ExpectAsync(await PostAsync(room.Owner, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)], replyToId: "12345")), 400, "validation_failed");

        // A client that gives up halfway through a large file: the server drops everything it staged.
        using (var abort = new CancellationTokenSource())
        {
            var stalled = Multipart([("big.bin", null, null)], bigPart: new FiniteStream(10 * 1024 * 1024, cancelAfter: 3 * 1024 * 1024, abort));
            await Should.ThrowAsync<Exception>(() => PostAsync(room.Owner, room.Text, stalled, abort.Token));
        }

        await AssertNothingLeftAsync(before);
    }

    [Fact]
    public async Task PermissionMatrix_ForUploadAndDownload()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 3);
        var (noAttach, noSend, banned) = (room.Members[0], room.Members[1], room.Members[2]);
        var outsider = await Server.RegisterAsync();
        var attachment = (await UploadAsync(room.Owner, room.Text, [("a.txt", "secret"u8.ToArray(), null)])).GetProperty("attachments")[0];
        var url = attachment.GetProperty("url").GetString()!;
        await DenyAsync(room, noAttach, 1L << 14);
        await DenyAsync(room, noSend, 1L << 10);
        (await room.Owner.Http.PutAsJsonAsync($"/api/v1/communities/{room.Id}/bans/{banned.Id}", new { reason = "spam" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var before = fixture.BlobFiles();

        (await Problem.ExpectAsync(await PostAsync(noAttach, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)])), 403, "missing_permission")).Body.GetProperty("permission").GetString().ShouldBe("AttachFiles");
        (await Problem.ExpectAsync(await PostAsync(noSend, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)])), 403, "missing_permission")).Body.GetProperty("permission").GetString().ShouldBe("SendMessages");
        await Problem.ExpectAsync(await PostAsync(outsider, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)])), 403, "not_a_member");
        await Problem.ExpectAsync(await PostAsync(banned, room.Text, Multipart([("a.txt", "x"u8.ToArray(), null)])), 403, "not_a_member");
        await Problem.ExpectAsync(await Server.CreateClient().PostAsync($"/api/v1/channels/{room.Text}/attachments", Multipart([("a.txt", "x"u8.ToArray(), null)])), 401, "unauthorized");
        await Problem.ExpectAsync(await PostAsync(room.Owner, "123", Multipart([("a.txt", "x"u8.ToArray(), null)])), 404, "not_found");
        await Problem.ExpectAsync(await PostAsync(room.Owner, "x", Multipart([("a.txt", "x"u8.ToArray(), null)])), 400, "validation_failed");

        // Downloads: anyone who can see the channel, with or without the upload bits; nobody else.
        (await noAttach.Http.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await noSend.Http.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Problem.ExpectAsync(await outsider.Http.GetAsync(url), 403, "not_a_member");
        await Problem.ExpectAsync(await banned.Http.GetAsync(url), 403, "not_a_member");
        await Problem.ExpectAsync(await Server.CreateClient().GetAsync(url), 401, "unauthorized");
        await Problem.ExpectAsync(await room.Owner.Http.GetAsync(url[..url.LastIndexOf('/')] + "/b.txt"), 404, "not_found");
        await Problem.ExpectAsync(await room.Owner.Http.GetAsync("/api/v1/attachments/42/a.txt"), 404, "not_found");
        await Problem.ExpectAsync(await room.Owner.Http.GetAsync("/api/v1/attachments/nope/a.txt"), 400, "validation_failed");
        await DenyAsync(room, noAttach, 1L << 1);
        await Problem.ExpectAsync(await noAttach.Http.GetAsync(url), 403, "missing_permission");

        fixture.BlobFiles().ShouldBe(before, "refused uploads are refused before anything is stored");
    }

    [Fact]
    public async Task Downloads_ServeRanges()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 0);
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        bytes[0] = 0; // binary, not text
        var attachment = (await UploadAsync(room.Owner, room.Text, [("data.bin", bytes, null)])).GetProperty("attachments")[0];
        var url = attachment.GetProperty("url").GetString()!;

        var full = await room.Owner.Http.GetAsync(url);
        full.Headers.AcceptRanges.ShouldContain("bytes");
        (await full.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);

        var ranged = await GetRangeAsync(room.Owner, url, new RangeHeaderValue(1000, 1999));
        ranged.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        ranged.Content.Headers.ContentRange!.ToString().ShouldBe("bytes 1000-1999/100000");
        (await ranged.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[1000..2000]);

        var suffix = await GetRangeAsync(room.Owner, url, new RangeHeaderValue(null, 10));
        suffix.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await suffix.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[^10..]);

        var open = await GetRangeAsync(room.Owner, url, new RangeHeaderValue(99_990, null));
        (await open.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[99_990..]);

        (await GetRangeAsync(room.Owner, url, new RangeHeaderValue(200_000, 200_010))).StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);
    }

    [Fact]
    public async Task DeletingTheMessage_DeletesTheBytesAndTheThumbnail()
    {
        var room = await VoiceTestCommunity.CreateAsync(Server, members: 1);
        var before = fixture.BlobFiles();
        var message = await UploadAsync(room.Owner, room.Text, [("p.png", TestImages.Encode(300, 300, SKEncodedImageFormat.Png), null), ("t.txt", "x"u8.ToArray(), null)]);
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        fixture.BlobFiles().Count.ShouldBe(before.Count + 6, "two files, one thumbnail, each with its sidecar");
        var urls = attachments.Select(a => a.GetProperty("url").GetString()!).Append(attachments[0].GetProperty("thumbnailUrl").GetString()!).ToList();
        foreach (var url in urls)
        {
            (await room.Members[0].Http.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // A moderator's delete (ManageMessages is the owner's) removes everything.
        (await room.Owner.Http.DeleteAsync($"/api/v1/channels/{room.Text}/messages/{message.GetProperty("id").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        foreach (var url in urls)
        {
            await Problem.ExpectAsync(await room.Members[0].Http.GetAsync(url), 404, "not_found");
        }

        fixture.BlobFiles().ShouldBe(before, "the bytes are gone, not merely hidden");
    }

    [Fact]
    public async Task DirectMessages_CarryAttachments_OnlyForTheirRecipients()
    {
        var a = await Server.RegisterAsync();
        var b = await Server.RegisterAsync();
        var outsider = await Server.RegisterAsync();
        (await a.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{b.Id}", new { type = "friend" })).EnsureSuccessStatusCode();
        (await b.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{a.Id}", new { type = "friend" })).EnsureSuccessStatusCode();
        var dm = await a.Http.PostAsJsonAsync("/api/v1/users/@me/channels", new { recipientIds = new[] { b.Id } });
        dm.IsSuccessStatusCode.ShouldBeTrue(await dm.Content.ReadAsStringAsync());
        var channel = (await dm.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var attachment = (await UploadAsync(a, channel, [("hi.txt", "hi"u8.ToArray(), null)])).GetProperty("attachments")[0];
        (await DownloadAsync(b, attachment)).ShouldBe("hi"u8.ToArray());
        ((int)(await outsider.Http.GetAsync(attachment.GetProperty("url").GetString())).StatusCode).ShouldBe(403);
    }

    private async Task AssertNothingLeftAsync(IReadOnlyList<string> blobsBefore)
    {
        fixture.BlobFiles().ShouldBe(blobsBefore);
        // A request whose client went away may still be unwinding on the server: wait for its staging folder to go.
        await Eventually.ReturnsAsync(() => Task.FromResult(fixture.StagingEntries()), e => e.Count == 0, TimeSpan.FromSeconds(30), "the staging directory to be empty");
        fixture.BlobFiles().ShouldBe(blobsBefore);
    }

    private static async Task DenyAsync(VoiceTestCommunity room, TestUser member, long bits)
    {
        var response = await room.Owner.Http.PutAsJsonAsync($"/api/v1/channels/{room.Text}/overwrites/{member.Id}", new { type = "member", allow = "0", deny = bits.ToString(CultureInfo.InvariantCulture) });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Like a browser upload that waits for the server's verdict on its headers (Expect: 100-continue).</summary>
    /// <remarks>
    /// The client waits as long as it takes (not .NET's default second) for 100 Continue or the final answer, so on a
    /// loaded machine a body the server refused up front is never sent into a closing connection.
    /// </remarks>
    private async Task<HttpResponseMessage> PostExpectingContinueAsync(TestUser user, string channelId, HttpContent content)
    {
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) };
        using var client = new HttpClient(handler) { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channelId}/attachments") { Content = content };
        request.Headers.ExpectContinue = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static Task<HttpResponseMessage> GetRangeAsync(TestUser user, string url, RangeHeaderValue range)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = range;
        return user.Http.SendAsync(request);
    }

    internal static async Task<JsonElement> UploadAsync(TestUser user, string channelId, IReadOnlyList<(string Name, byte[] Bytes, string? Type)> files, string? content = null, string? nonce = null)
    {
        var response = await PostAsync(user, channelId, Multipart(files!, content, nonce));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var message = await response.Content.ReadFromJsonAsync<JsonElement>();
        message.GetProperty("author").GetProperty("id").GetString().ShouldBe(user.Id);
        return message;
    }

    internal static Task<HttpResponseMessage> PostAsync(TestUser user, string channelId, HttpContent content, CancellationToken ct = default) =>
        user.Http.PostAsync($"/api/v1/channels/{channelId}/attachments", content, ct);

    internal static MultipartFormDataContent Multipart(IReadOnlyList<(string Name, byte[]? Bytes, string? Type)> files, string? content = null, string? nonce = null, string? replyToId = null, Stream? bigPart = null)
    {
        var multipart = new MultipartFormDataContent();
        foreach (var (name, bytes, type) in files)
        {
            HttpContent part = bytes is null ? new StreamContent(bigPart!) : new ByteArrayContent(bytes);
            if (type is not null)
            {
                part.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            }

            multipart.Add(part, Files, name);
        }

        foreach (var (field, value) in new[] { ("content", content), ("nonce", nonce), ("replyToId", replyToId) })
        {
            if (value is not null)
            {
                multipart.Add(new StringContent(value), field);
            }
        }

        return multipart;
    }

    private static ByteArrayContent Raw(byte[] body, string boundary)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }

    private static async Task<byte[]> DownloadAsync(TestUser user, JsonElement attachment)
    {
        var response = await user.Http.GetAsync(attachment.GetProperty("url").GetString());
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
