using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Chaos.Api.Blobs;

/// <summary>
/// AWS Signature Version 4, header-based (docs/architecture.md#blob-store). <see cref="Sign"/> adds <c>x-amz-date</c> and
/// <c>x-amz-content-sha256</c> and signs <c>host</c>, those two, and any <c>range</c>, <c>date</c>, <c>content-md5</c> or
/// other <c>x-amz-*</c> header already on the request. The canonical request follows the S3 rules: the path is encoded
/// once and never normalised, query names and values are encoded and sorted by name, then value; header values are
/// trimmed with inner runs of spaces collapsed. Checked against the published test vectors in <c>SigV4SignerTests</c>.
/// </summary>
internal sealed class SigV4Signer(string accessKeyId, string secretAccessKey, string region, string service = "s3")
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string EmptyPayload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Algorithm = "AWS4-HMAC-SHA256";

    public void Sign(HttpRequestMessage request, string payloadHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = AmzDate(now);
        var host = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        request.Headers.Host = host;
        request.Headers.Remove("Authorization");
        request.Headers.Remove("x-amz-date");
        request.Headers.Remove("x-amz-content-sha256");
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            var lower = name.ToLowerInvariant();
            if (lower is "host" or "range" or "date" or "content-md5" || lower.StartsWith("x-amz-", StringComparison.Ordinal))
            {
                headers.Add(new(lower, string.Join(',', values)));
            }
        }

        var authorization = Authorization(request.Method.Method, CanonicalPath(uri.AbsolutePath), CanonicalQuery(uri.Query), headers, payloadHash, amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
    }

    /// <summary>The <c>Authorization</c> header for a request already reduced to its signed parts.</summary>
    public string Authorization(string method, string canonicalPath, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, string amzDate)
    {
        var (canonical, signedHeaders) = CanonicalRequest(method, canonicalPath, canonicalQuery, headers, payloadHash);
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), amzDate[..8]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, StringToSign(canonical, amzDate, scope)));
        return $"{Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>The canonical request (task 1 of SigV4) and its signed-header list.</summary>
    public static (string Canonical, string SignedHeaders) CanonicalRequest(string method, string canonicalPath, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var sorted = headers
            .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => TrimValue(h.Value)))))
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Name));
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(canonicalPath).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in sorted)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return (builder.ToString(), signedHeaders);
    }

    /// <summary>The string to sign (task 2): algorithm, time, scope and the canonical request's hash.</summary>
    public static string StringToSign(string canonicalRequest, string amzDate, string scope) =>
        string.Join('\n', Algorithm, amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

    public static string AmzDate(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Path segments for an S3 key: RFC 3986 unreserved characters stay, everything else is percent-encoded.</summary>
    public static string EncodeSegment(string segment) => Encode(segment);

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>
    /// The S3 canonical path: each segment decoded from the wire form and encoded once the SigV4 way (no dot-segment
    /// removal, no double encoding — those are for other services). An empty path is <c>/</c>.
    /// </summary>
    public static string CanonicalPath(string escapedPath)
    {
        if (string.IsNullOrEmpty(escapedPath))
        {
            return "/";
        }

        return string.Join('/', escapedPath.Split('/').Select(s => Encode(Uri.UnescapeDataString(s))));
    }

    /// <summary>
    /// The canonical query: every name and value decoded, encoded the SigV4 way (a space is <c>%20</c>, <c>+</c> is a
    /// literal plus), sorted by name and then by value; a name without <c>=</c> gets an empty value.
    /// </summary>
    public static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        return string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? pair : pair[..equals];
                var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
                return (Name: Encode(Uri.UnescapeDataString(name)), Value: Encode(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>SigV4's URI encoding: UTF-8 bytes, <c>A–Z a–z 0–9 - _ . ~</c> kept, everything else <c>%XX</c> in capitals.</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>A header value as signed: leading and trailing spaces removed, inner runs of spaces made one.</summary>
    private static string TrimValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (c == ' ')
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
