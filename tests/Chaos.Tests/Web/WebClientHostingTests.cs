using System.Net;

namespace Chaos.Tests.Web;

/// <summary>
/// The front door serves the web client: hashed assets cached for a year, <c>index.html</c> uncached for client-side
/// routes, a strict Content-Security-Policy, and never the app instead of the API's own answers.
/// </summary>
public sealed class WebClientHostingTests(WebClientFixture fixture) : IClassFixture<WebClientFixture>
{
    private HttpClient Http => fixture.Http;

    [Theory]
    [InlineData("/")]
    [InlineData("/invite/AbCdEf12")]
    [InlineData("/channels/@me")]
    [InlineData("/channels/123/456")]
    public async Task ClientRoutes_ServeIndexHtml_Uncached_WithAStrictPolicy(string path)
    {
        var response = await Http.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync()).ShouldContain("<div id=\"root\">");
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        policy.ShouldContain("script-src 'self'");
        policy.ShouldContain("connect-src 'self'");
        policy.ShouldContain("object-src 'none'");
        policy.ShouldNotContain("unsafe-inline");
        policy.ShouldNotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
    }

    [Fact]
    public async Task HashedAssets_AreCachedForAYear()
    {
        var response = await Http.GetAsync("/assets/index-Abc123.js");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.ToString().ShouldBe("public, max-age=31536000, immutable");
    }

    [Fact]
    public async Task OtherStaticFiles_AreRevalidated()
    {
        var response = await Http.GetAsync("/manifest.webmanifest");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
    }

    [Theory]
    [InlineData("/api/v1/no-such-route")]
    [InlineData("/api/v1/users/@me")]
    [InlineData("/gateway/nothing")]
    [InlineData("/health/nothing")]
    [InlineData("/openapi/nothing")]
    [InlineData("/admin/dashboard/nothing")]
    [InlineData("/assets/missing-123.js")]
    public async Task ApiAndMissingFiles_NeverFallBackToTheApp(string path)
    {
        var response = await Http.GetAsync(path);

        response.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.ShouldNotBe("text/html");
    }

    [Fact]
    public async Task OperationsEndpoints_AnswerThemselves()
    {
        (await Http.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var openApi = await Http.GetAsync("/openapi/v1.json");
        openApi.StatusCode.ShouldBe(HttpStatusCode.OK);
        openApi.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await Http.GetAsync("/metrics")).Content.Headers.ContentType?.MediaType.ShouldNotBe("text/html");
    }

    [Fact]
    public async Task AWrongMethodOnAnApiRoute_StillAnswers405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/auth/login");
        (await Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/channels/1/2");
        (await Http.SendAsync(post)).StatusCode.ShouldNotBe(HttpStatusCode.OK);
    }
}
