using Chaos.Api.Blobs;

namespace Chaos.Tests.Attachments;

/// <summary>
/// The S3 blob store against a real S3-compatible server (s3rver): round trips, ranged reads, deletes, an upload cut off
/// halfway, and a whole front door storing attachments there.
/// </summary>
public sealed class S3BlobStoreTests(S3Server s3) : IClassFixture<S3Server>
{
    [Fact]
    public async Task Blobs_RoundTrip_ReadRanges_AndDelete()
    {
        using var http = new HttpClient();
        var store = s3.Store(http, "roundtrip/");
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray();
        var info = new BlobInfo(11, 5, "data.bin", "application/octet-stream", bytes.Length, 12);
        await store.SaveAsync(info, new MemoryStream(bytes), CancellationToken.None);

        (await store.GetInfoAsync(11, CancellationToken.None)).ShouldBe(info);
        s3.Keys().ShouldContain("roundtrip/11.blob");
        await using (var read = (await store.OpenReadAsync(11, CancellationToken.None))!)
        {
            read.Length.ShouldBe(bytes.Length);
            using var all = new MemoryStream();
            await read.CopyToAsync(all);
            all.ToArray().ShouldBe(bytes);

            read.Seek(123_456, SeekOrigin.Begin);
            var part = new byte[1000];
            await read.ReadExactlyAsync(part);
            part.ShouldBe(bytes[123_456..124_456]);
        }

        (await store.GetInfoAsync(99, CancellationToken.None)).ShouldBeNull();
        (await store.OpenReadAsync(99, CancellationToken.None)).ShouldBeNull();
        await store.DeleteAsync(11, CancellationToken.None);
        await store.DeleteAsync(11, CancellationToken.None);
        (await store.GetInfoAsync(11, CancellationToken.None)).ShouldBeNull();
        s3.Keys().Where(k => k.StartsWith("roundtrip/", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AnUploadCutOffHalfway_LeavesNothingReachable()
    {
        using var http = new HttpClient();
        var store = s3.Store(http, "cut/");
        using var abort = new CancellationTokenSource();
        var body = new FiniteStream(8 * 1024 * 1024, cancelAfter: 2 * 1024 * 1024, abort);
        await Should.ThrowAsync<Exception>(() => store.SaveAsync(new BlobInfo(3, 1, "big.bin", "application/octet-stream", 8 * 1024 * 1024), body, abort.Token));
        // Unreachable through the store at once (no metadata object is written after a failed PUT). The bytes: s3rver may
        // keep part of a PUT cut off before its Content-Length (a real S3 does not) and may finish writing it after the
        // store's clean-up DELETE, so the bucket listing is not asserted here.
        (await store.GetInfoAsync(3, CancellationToken.None)).ShouldBeNull();
        s3.Keys().ShouldNotContain(k => k.StartsWith("cut/", StringComparison.Ordinal) && k.EndsWith("json", StringComparison.Ordinal));
    }

    [Fact]
    public Task AFrontDoor_StoresAttachmentsInTheBucket_ServesRanges_AndDeletesThemWithTheMessage() =>
        s3.AssertFrontDoorRoundTripAsync("hello s3");
}
