using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Chaos.Api.Blobs;

/// <summary>
/// Blobs in an S3-compatible bucket (docs/architecture.md#blob-store): <c>{prefix}{id}.blob</c> and a
/// <c>{prefix}{id}.json</c> sidecar object, written in that order, so a blob is visible (its sidecar exists) only once its
/// bytes are complete; an S3 PUT is atomic, so an interrupted upload leaves no object at all. A minimal SigV4 client over
/// <see cref="HttpClient"/> (no SDK): PUT, GET with <c>Range</c>, DELETE.
/// </summary>
public sealed class S3BlobStore : IBlobStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient http;
    private readonly S3Options options;
    private readonly SigV4Signer signer;
    private readonly TimeProvider time;

    public S3BlobStore(HttpClient http, S3Options options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.options = options;
        this.time = time;
        signer = new SigV4Signer(options.AccessKeyId ?? string.Empty, options.SecretAccessKey ?? string.Empty, options.Region);
    }

    public async Task SaveAsync(BlobInfo info, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(content);
        string hash;
        if (content.CanSeek)
        {
            // Signed payload: the store rejects bytes that changed on the way. The bytes are read twice, never held.
            var start = content.Position;
            hash = SigV4Signer.Hex(await SHA256.HashDataAsync(content, cancellationToken));
            content.Position = start;
        }
        else
        {
            hash = SigV4Signer.UnsignedPayload;
        }

        try
        {
            using var body = new StreamContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            if (!content.CanSeek)
            {
                // S3 refuses a PUT without a length (411 MissingContentLength; chunked uploads need aws-chunked
                // signing); the blob's size is known up front. A body that ends early or runs long fails the PUT.
                body.Headers.ContentLength = info.Size;
            }

            await SendAsync(HttpMethod.Put, Key(info.Id, "blob"), body, hash, null, cancellationToken);
        }
        catch
        {
            // A real S3 never stores a PUT cut off before its Content-Length; a lenient S3-compatible server may keep the
            // part it got. Without the metadata object the blob is unreachable either way; this removes the bytes too.
            await TryDeleteObjectAsync(Key(info.Id, "blob"));
            throw;
        }

        var meta = JsonSerializer.SerializeToUtf8Bytes(info, Json);
        using var metaBody = new ByteArrayContent(meta);
        metaBody.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            await SendAsync(HttpMethod.Put, Key(info.Id, "json"), metaBody, SigV4Signer.Hex(SHA256.HashData(meta)), null, cancellationToken);
        }
        catch
        {
            await TryDeleteObjectAsync(Key(info.Id, "blob"));
            throw;
        }
    }

    public async Task<BlobInfo?> GetInfoAsync(long id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, Key(id, "json"), null, SigV4Signer.EmptyPayload, null, cancellationToken, allowNotFound: true);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync<BlobInfo>(body, Json, cancellationToken);
    }

    public async Task<Stream?> OpenReadAsync(long id, CancellationToken cancellationToken)
    {
        var info = await GetInfoAsync(id, cancellationToken);
        return info is null ? null : new S3ReadStream(this, Key(id, "blob"), info.Size);
    }

    public async Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        // The sidecar first: from then on the blob is invisible, even if deleting its bytes fails.
        await DeleteObjectAsync(Key(id, "json"), cancellationToken);
        await DeleteObjectAsync(Key(id, "blob"), cancellationToken);
    }

    /// <summary>GETs bytes <paramref name="from"/>–<paramref name="to"/> (inclusive) of an object; the caller disposes the response.</summary>
    internal Task<HttpResponseMessage> GetRangeAsync(string key, long from, long to, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, key, null, SigV4Signer.EmptyPayload, new RangeHeaderValue(from, to), cancellationToken);

    /// <summary>
    /// Clean-up after a failed save. Best effort: the save's own failure (a refused signature, a dropped connection) is
    /// what the caller needs to see, not this DELETE's, which is usually refused or cut off for the same reason.
    /// </summary>
    private async Task TryDeleteObjectAsync(string key)
    {
        try
        {
            await DeleteObjectAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The caller sees the original exception.
        }
    }

    private async Task DeleteObjectAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, key, null, SigV4Signer.EmptyPayload, null, cancellationToken, allowNotFound: true);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string key, HttpContent? content, string payloadHash, RangeHeaderValue? range, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        using var request = new HttpRequestMessage(method, ObjectUri(key)) { Content = content };
        if (range is not null)
        {
            request.Headers.Range = range;
        }

        signer.Sign(request, payloadHash, time.GetUtcNow());
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }

        using (response)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new IOException($"S3 {method} {key} answered {(int)response.StatusCode}: {detail[..Math.Min(detail.Length, 500)]}");
        }
    }

    private Uri ObjectUri(string key)
    {
        var root = options.ServiceUrl!.AbsoluteUri.TrimEnd('/');
        var path = string.Join('/', key.Split('/').Select(SigV4Signer.EncodeSegment));
        return new Uri($"{root}/{SigV4Signer.EncodeSegment(options.Bucket!)}/{path}");
    }

    private string Key(long id, string extension) => options.Prefix + id.ToString(CultureInfo.InvariantCulture) + "." + extension;
}
