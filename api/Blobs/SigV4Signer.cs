using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Chaos.Api.Blobs;

/// <summary>
/// AWS Signature Version 4 for S3 requests (header-based, the payload hash sent in <c>x-amz-content-sha256</c>): what every
/// S3-compatible server accepts. Signs <c>host</c>, <c>x-amz-content-sha256</c> and <c>x-amz-date</c>.
/// </summary>
internal sealed class SigV4Signer(string accessKeyId, string secretAccessKey, string region)
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string EmptyPayload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Service = "s3";

    public void Sign(HttpRequestMessage request, string payloadHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        request.Headers.Host = host;
        request.Headers.Add("x-amz-date", amzDate);
        request.Headers.Add("x-amz-content-sha256", payloadHash);

        const string signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        var canonical = string.Join('\n',
            request.Method.Method,
            uri.AbsolutePath,
            CanonicalQuery(uri.Query),
            "host:" + host,
            "x-amz-content-sha256:" + payloadHash,
            "x-amz-date:" + amzDate,
            string.Empty,
            signedHeaders,
            payloadHash);
        var scope = $"{date}/{region}/{Service}/aws4_request";
        var toSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));

        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, Service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, toSign));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>Path segments for an S3 key: RFC 3986 unreserved characters stay, everything else is percent-encoded.</summary>
    public static string EncodeSegment(string segment) => Uri.EscapeDataString(segment);

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        return string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Contains('=', StringComparison.Ordinal) ? pair : pair + "=")
            .Order(StringComparer.Ordinal));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
