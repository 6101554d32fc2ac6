using System.Net;

namespace Chaos.Tests.Web;

/// <summary>
/// The support widget's delivery (docs/architecture.md#support-desk-web): <c>/widget.js</c> at a fixed, revalidated
/// address, and cross-origin access to <c>/api/v1/support/*</c> alone, so the widget works on a customer's own site.
/// </summary>
public sealed class SupportWidgetHostingTests(SupportWidgetFixture fixture) : IClassFixture<SupportWidgetFixture>
{
    private const string Site = "https://shop.example.com";

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task WidgetScript_IsServedAsJavaScript_AndRevalidated()
    {
        var response = await Http.GetAsync("/widget.js");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        (await response.Content.ReadAsStringAsync()).ShouldContain("widget");
    }

    [Theory]
    [InlineData("/api/v1/support/123/conversations", "POST")]
    [InlineData("/api/v1/support/conversations/123/messages", "POST")]
    [InlineData("/api/v1/support/conversations/123", "GET")]
    public async Task Preflight_OnSupportRoutes_AllowsAnyOrigin_WithoutCredentials(string path, string method)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", Site);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        var response = await Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe(["*"]);
        string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods")).ShouldContain(method);
        string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant().ShouldContain("AUTHORIZATION");
        response.Headers.Contains("Access-Control-Allow-Credentials").ShouldBeFalse();
    }

    [Fact]
    public async Task ProblemAnswers_OnSupportRoutes_CarryTheOriginHeader_SoTheWidgetCanShowThem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/support/conversations/123");
        request.Headers.Add("Origin", Site);
        request.Headers.Add("Authorization", "Bearer not-a-token");

        var response = await Http.SendAsync(request);

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe(["*"]);
    }

    [Theory]
    [InlineData("/api/v1/users/@me")]
    [InlineData("/api/v1/communities/123")]
    [InlineData("/api/v1/supportx")]
    [InlineData("/widget.js")]
    public async Task OtherRoutes_GetNoCrossOriginAccess(string path)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", Site);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var get = new HttpRequestMessage(HttpMethod.Get, path);
        get.Headers.Add("Origin", Site);

        var answers = new[] { await Http.SendAsync(preflight), await Http.SendAsync(get) };

        foreach (var response in answers)
        {
            response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse(path);
        }
    }
}
