using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Chaos.Api.Blobs;

namespace Chaos.Tests.Attachments;

/// <summary>
/// The S3 blob store's SigV4 signing against published vectors (docs/architecture.md#blob-store): cases of the AWS
/// Signature Version 4 test suite (credentials <c>AKIDEXAMPLE</c>, 2015-08-30T12:36:00Z, service <c>service</c>) and the
/// four worked examples of the S3 API reference's header-based authentication page (<c>AKIAIOSFODNN7EXAMPLE</c>,
/// 2013-05-24). s3rver, used by <see cref="S3BlobStoreTests"/>, does not check signatures, so this is what does.
/// </summary>
public sealed class SigV4SignerTests
{
    private const string SuiteDate = "20150830T123600Z";
    private static readonly SigV4Signer Suite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service");
    private static readonly SigV4Signer S3 = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
    private static readonly DateTimeOffset S3Date = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("get-vanilla", "GET", "/", "", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("post-vanilla", "POST", "/", "", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("get-vanilla-empty-query-key", "GET", "/", "?Param1=value1", "", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb")]
    [InlineData("get-vanilla-query-order-key-case", "GET", "/", "?Param2=value2&Param1=value1", "", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("get-vanilla-query-order-encoded", "GET", "/", "?Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "", "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac")]
    [InlineData("get-utf8", "GET", "/%E1%88%B4", "", "", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")]
    [InlineData("get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", "", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")]
    [InlineData("post-header-value-case", "POST", "/", "", "My-Header1:VALUE1", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d")]
    [InlineData("get-header-value-trim", "GET", "/", "", "My-Header1: value1|My-Header2:\"a   b   c\"", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")]
    public void Signature_MatchesTheAwsTestSuite(string name, string method, string path, string query, string extraHeaders, string signature)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "example.amazonaws.com"), new("X-Amz-Date", SuiteDate) };
        foreach (var header in extraHeaders.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(header[..colon], header[(colon + 1)..]));
        }

        var uri = new Uri("https://example.amazonaws.com" + path + query);
        var authorization = Suite.Authorization(method, SigV4Signer.CanonicalPath(uri.AbsolutePath), SigV4Signer.CanonicalQuery(uri.Query), headers, SigV4Signer.EmptyPayload, SuiteDate);

        var signedHeaders = string.Join(';', headers.Select(h => h.Key.ToLowerInvariant()).Order(StringComparer.Ordinal));
        authorization.ShouldBe(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}",
            name);
    }

    [Fact]
    public void CanonicalRequest_AndStringToSign_MatchTheSuite_ForGetVanilla()
    {
        var (canonical, signed) = SigV4Signer.CanonicalRequest("GET", "/", string.Empty,
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", SuiteDate)], SigV4Signer.EmptyPayload);

        signed.ShouldBe("host;x-amz-date");
        canonical.ShouldBe("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + SigV4Signer.EmptyPayload);
        SigV4Signer.StringToSign(canonical, SuiteDate, "20150830/us-east-1/service/aws4_request").ShouldBe(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    }

    [Fact]
    public void S3Example_GetObject_WithRange()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/test.txt");
        request.Headers.Range = new RangeHeaderValue(0, 9);

        S3.Sign(request, SigV4Signer.EmptyPayload, S3Date);

        Authorization(request).ShouldBe(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        request.Headers.GetValues("x-amz-date").ShouldBe(["20130524T000000Z"]);
        request.Headers.GetValues("x-amz-content-sha256").ShouldBe([SigV4Signer.EmptyPayload]);
    }

    [Fact]
    public void S3Example_PutObject_EncodesTheKey_AndSignsTheBody()
    {
        var body = Encoding.UTF8.GetBytes("Welcome to Amazon S3.");
        using var request = new HttpRequestMessage(HttpMethod.Put, "https://examplebucket.s3.amazonaws.com/" + SigV4Signer.EncodeSegment("test$file.text"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Headers.Date = S3Date;
        request.Headers.TryAddWithoutValidation("x-amz-storage-class", "REDUCED_REDUNDANCY");

        S3.Sign(request, SigV4Signer.Hex(SHA256.HashData(body)), S3Date);

        Authorization(request).ShouldBe(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
        request.RequestUri!.AbsolutePath.ShouldBe("/test%24file.text");
    }

    [Theory]
    [InlineData("?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")]
    [InlineData("?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")]
    [InlineData("?prefix=J&max-keys=2", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")]
    public void S3Example_BucketQueries(string query, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/" + query);

        S3.Sign(request, SigV4Signer.EmptyPayload, S3Date);

        Authorization(request).ShouldBe(
            $"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}");
    }

    [Fact]
    public void SigningTwice_ReplacesTheHeaders_InsteadOfDoublingThem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/test.txt");
        request.Headers.Range = new RangeHeaderValue(0, 9);
        S3.Sign(request, SigV4Signer.EmptyPayload, S3Date.AddDays(-1));

        S3.Sign(request, SigV4Signer.EmptyPayload, S3Date);

        Authorization(request).ShouldEndWith("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("a+b", "a%2Bb")]
    [InlineData("ä/€", "%C3%A4%2F%E2%82%AC")]
    [InlineData("-_.~AZaz09", "-_.~AZaz09")]
    [InlineData("!*'()", "%21%2A%27%28%29")]
    public void Encode_KeepsOnlyUnreservedCharacters(string value, string encoded) => SigV4Signer.Encode(value).ShouldBe(encoded);

    [Fact]
    public void CanonicalPath_EncodesEachSegmentOnce_AndNeverNormalises()
    {
        SigV4Signer.CanonicalPath("/bucket/a%20b/c%2Bd").ShouldBe("/bucket/a%20b/c%2Bd");
        SigV4Signer.CanonicalPath("/bucket/./x/../y").ShouldBe("/bucket/./x/../y");
        SigV4Signer.CanonicalPath("/bucket/it's").ShouldBe("/bucket/it%27s");
        SigV4Signer.CanonicalPath(string.Empty).ShouldBe("/");
    }

    private static string Authorization(HttpRequestMessage request) => request.Headers.GetValues("Authorization").Single();
}
