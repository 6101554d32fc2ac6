using System.Net;
using System.Net.Http.Headers;
using Chaos.Api.Blobs;

namespace Chaos.Tests.Attachments;

/// <summary>
/// The S3 blob store against a server that checks every request's AWS Signature Version 4 (radosgw, see
/// <see cref="RadosGateway"/>; s3rver in <see cref="S3BlobStoreTests"/> accepts any signature): with the right secret every
/// operation works, keys that need encoding included; with a wrong secret or an unknown key id every operation is
/// refused with a 403 that names the reason, and nothing is stored.
/// </summary>
public sealed class S3SignatureVerifiedTests(RadosGateway rgw) : IClassFixture<RadosGateway>
{
    /// <summary>Characters S3 keys allow that SigV4 percent-encodes: space, UTF-8, and the reserved ones.</summary>
    private const string AwkwardPrefix = "sig ned/ünï çødé+plus=eq&amp$dollar@at!'()*,;:~/";

    [Fact]
    public async Task RightSecret_PutsGetsRangesAndDeletes_KeysThatNeedEncodingIncluded()
    {
        using var http = new HttpClient();
        var store = rgw.Store(http, AwkwardPrefix);
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray();
        var info = new BlobInfo(21, 7, "naïve file (1).bin", "application/octet-stream", bytes.Length);
        await store.SaveAsync(info, new MemoryStream(bytes), CancellationToken.None);

        (await rgw.KeysAsync(AwkwardPrefix)).ShouldBe([AwkwardPrefix + "21.blob", AwkwardPrefix + "21.json"]);
        (await store.GetInfoAsync(21, CancellationToken.None)).ShouldBe(info);
        await using (var read = (await store.OpenReadAsync(21, CancellationToken.None))!)
        {
            using var all = new MemoryStream();
            await read.CopyToAsync(all);
            all.ToArray().ShouldBe(bytes);

            // Each seek is one signed GET with a Range header (the signer signs range).
            read.Seek(123_456, SeekOrigin.Begin);
            var part = new byte[1000];
            await read.ReadExactlyAsync(part);
            part.ShouldBe(bytes[123_456..124_456]);
            read.Seek(-10, SeekOrigin.End);
            var tail = new byte[10];
            await read.ReadExactlyAsync(tail);
            tail.ShouldBe(bytes[^10..]);
        }

        (await store.GetInfoAsync(22, CancellationToken.None)).ShouldBeNull();
        await store.DeleteAsync(21, CancellationToken.None);
        await store.DeleteAsync(21, CancellationToken.None);
        (await store.GetInfoAsync(21, CancellationToken.None)).ShouldBeNull();
        (await rgw.KeysAsync(AwkwardPrefix)).ShouldBeEmpty();
    }

    [Fact]
    public async Task RightSecret_StoresLargeObjects_SignedPayloadAndStreamedUnsigned()
    {
        using var http = new HttpClient();
        var store = rgw.Store(http, "large/");

        // Seekable: the payload's SHA-256 is signed, and the server checks the body against it.
        var signed = new byte[24 * 1024 * 1024];
        new Random(7).NextBytes(signed);
        await store.SaveAsync(new BlobInfo(31, 1, "signed.bin", "application/octet-stream", signed.Length), new MemoryStream(signed), CancellationToken.None);
        await using (var read = (await store.OpenReadAsync(31, CancellationToken.None))!)
        {
            using var all = new MemoryStream();
            await read.CopyToAsync(all);
            all.ToArray().ShouldBe(signed);
        }

        // Not seekable: UNSIGNED-PAYLOAD with the blob's size as Content-Length (a real S3 refuses a PUT without a length:
        // 411 MissingContentLength, which s3rver does not check); the headers are still signed and checked.
        const int streamedLength = 12 * 1024 * 1024;
        await store.SaveAsync(new BlobInfo(32, 1, "streamed.bin", "application/octet-stream", streamedLength), new FiniteStream(streamedLength), CancellationToken.None);
        await using (var read = (await store.OpenReadAsync(32, CancellationToken.None))!)
        {
            using var all = new MemoryStream();
            await read.CopyToAsync(all);
            all.Length.ShouldBe(streamedLength);
            all.ToArray().ShouldAllBe(b => b == 0x4F);
        }

        await store.DeleteAsync(31, CancellationToken.None);
        await store.DeleteAsync(32, CancellationToken.None);
        (await rgw.KeysAsync("large/")).ShouldBeEmpty();
    }

    [Fact]
    public async Task WrongSecret_IsRefusedOnEveryOperation_WithAClearError_AndStoresNothing()
    {
        using var http = new HttpClient();
        var right = rgw.Store(http, "wrong/");
        var wrong = rgw.Store(http, "wrong/", RadosGateway.SecretKey + "x");
        var bytes = Enumerable.Range(0, 50_000).Select(i => (byte)i).ToArray();

        var save = await Should.ThrowAsync<IOException>(() => wrong.SaveAsync(new BlobInfo(41, 1, "a.bin", "application/octet-stream", bytes.Length), new MemoryStream(bytes), CancellationToken.None));
        save.Message.ShouldStartWith("S3 PUT wrong/41.blob answered 403");
        save.Message.ShouldContain("SignatureDoesNotMatch");
        // Small enough to sit in the socket's buffer: the server refuses before it reads the body, and a larger body could
        // meet a closed connection instead of the 403.
        var streamed = await Should.ThrowAsync<IOException>(() => wrong.SaveAsync(new BlobInfo(42, 1, "b.bin", "application/octet-stream", 64 * 1024), new FiniteStream(64 * 1024), CancellationToken.None));
        streamed.Message.ShouldStartWith("S3 PUT wrong/42.blob answered 403");
        streamed.Message.ShouldContain("SignatureDoesNotMatch");
        (await rgw.KeysAsync("wrong/")).ShouldBeEmpty();
        (await right.GetInfoAsync(41, CancellationToken.None)).ShouldBeNull();

        // A blob stored with the right secret: the wrong one can neither read it nor delete it, and a refusal is an
        // error, never taken for "not found".
        var info = new BlobInfo(43, 1, "c.bin", "application/octet-stream", bytes.Length);
        await right.SaveAsync(info, new MemoryStream(bytes), CancellationToken.None);
        (await Should.ThrowAsync<IOException>(() => wrong.GetInfoAsync(43, CancellationToken.None))).Message.ShouldContain("SignatureDoesNotMatch");
        (await Should.ThrowAsync<IOException>(() => wrong.OpenReadAsync(43, CancellationToken.None))).Message.ShouldContain("SignatureDoesNotMatch");
        (await Should.ThrowAsync<IOException>(() => wrong.DeleteAsync(43, CancellationToken.None))).Message.ShouldContain("SignatureDoesNotMatch");
        (await right.GetInfoAsync(43, CancellationToken.None)).ShouldBe(info);
        (await rgw.KeysAsync("wrong/")).ShouldBe(["wrong/43.blob", "wrong/43.json"]);

        // An access key id the server does not know.
        var stranger = new S3BlobStore(http, new S3Options { ServiceUrl = rgw.Url, Bucket = RadosGateway.Bucket, AccessKeyId = "NOSUCHACCESSKEY00000", SecretAccessKey = RadosGateway.SecretKey, Prefix = "wrong/" }, TimeProvider.System);
        var unknown = await Should.ThrowAsync<IOException>(() => stranger.SaveAsync(new BlobInfo(44, 1, "d.bin", "application/octet-stream", bytes.Length), new MemoryStream(bytes), CancellationToken.None));
        unknown.Message.ShouldContain("answered 403");
        unknown.Message.ShouldContain("InvalidAccessKeyId");

        await right.DeleteAsync(43, CancellationToken.None);
        (await rgw.KeysAsync("wrong/")).ShouldBeEmpty();
    }

    [Fact]
    public async Task ARequestChangedAfterSigning_IsRefused()
    {
        using var http = new HttpClient();
        var store = rgw.Store(http, "tamper/");
        await store.SaveAsync(new BlobInfo(51, 1, "t.bin", "application/octet-stream", 4), new MemoryStream([1, 2, 3, 4]), CancellationToken.None);
        var signer = new SigV4Signer(RadosGateway.AccessKey, RadosGateway.SecretKey, "us-east-1");

        // The Range header is signed: asking for other bytes with the same signature is refused.
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(rgw.Url, $"{RadosGateway.Bucket}/tamper/51.blob")))
        {
            request.Headers.Range = new RangeHeaderValue(0, 1);
            signer.Sign(request, SigV4Signer.EmptyPayload, DateTimeOffset.UtcNow);
            request.Headers.Range = new RangeHeaderValue(2, 3);
            using var response = await http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await response.Content.ReadAsStringAsync()).ShouldContain("SignatureDoesNotMatch");
        }

        // The payload hash is signed and checked against the body: other bytes under the same signature are refused, and
        // the object keeps its bytes.
        using (var request = new HttpRequestMessage(HttpMethod.Put, new Uri(rgw.Url, $"{RadosGateway.Bucket}/tamper/51.blob")))
        {
            request.Content = new ByteArrayContent([9, 9, 9, 9]);
            signer.Sign(request, SigV4Signer.Hex(System.Security.Cryptography.SHA256.HashData([1, 2, 3, 4])), DateTimeOffset.UtcNow);
            using var response = await http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.Content.ReadAsStringAsync()).ShouldContain("XAmzContentSHA256Mismatch");
        }

        await using (var read = (await store.OpenReadAsync(51, CancellationToken.None))!)
        {
            var all = new byte[4];
            await read.ReadExactlyAsync(all);
            all.ShouldBe([1, 2, 3, 4]);
        }

        await store.DeleteAsync(51, CancellationToken.None);
    }

    [Fact]
    public Task AFrontDoor_StoresServesAndDeletesAttachments_ThroughTheVerifyingServer() =>
        rgw.AssertFrontDoorRoundTripAsync("hello rgw");
}
