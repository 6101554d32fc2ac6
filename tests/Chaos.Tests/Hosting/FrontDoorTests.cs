using Chaos.Tests.Accounts;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Telemetry;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Hosting;

[Collection(AccountsServer.Name)]
public sealed class FrontDoorTests(ApiFixture fixture)
{
    [Fact]
    public async Task Health_LiveAndReady_AnswerOk_WithClusterAndDatabase()
    {
        (await fixture.Server.Http.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await fixture.Server.Http.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldBe("Healthy");
    }

    [Fact]
    public async Task OpenApi_DescribesTheAccountRoutes_WithTheirProblemResponses()
    {
        var document = await fixture.Server.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/users/@me", "/api/v1/users/{id}" })
        {
            paths.TryGetProperty(path, out _).ShouldBeTrue(path);
        }

        var register = paths.GetProperty("/api/v1/auth/register").GetProperty("post").GetProperty("responses");
        register.TryGetProperty("201", out _).ShouldBeTrue();
        register.TryGetProperty("409", out var conflict).ShouldBeTrue();
        conflict.GetProperty("content").TryGetProperty("application/problem+json", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Docs_ServeAnInteractivePage()
    {
        var response = await fixture.Server.Http.GetAsync("/docs");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
    }

    [Fact]
    public async Task Metrics_AreExposedForPrometheus()
    {
        await fixture.Server.Http.GetAsync("/health/live");
        var text = await Eventually.ReturnsAsync(
            () => fixture.Server.Http.GetStringAsync("/metrics"), t => t.Contains("http_server_request_duration", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "request metrics");
        text.ShouldContain("# TYPE");
    }

    [Fact]
    public async Task Metrics_KeepTwoHundredTagCombinationsPerInstrument_AndFoldTheRestIntoOverflow()
    {
        // A meter named like CHAOS's own is exported by every front door in this process, this fixture's included.
        using var meter = new Meter(ChaosTelemetry.Name);
        var name = $"chaos_test_cardinality_{Guid.NewGuid():N}";
        var counter = meter.CreateCounter<long>(name);
        for (var i = 0; i < 250; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("value", i.ToString(CultureInfo.InvariantCulture)));
        }

        var text = await Eventually.ReturnsAsync(
            () => fixture.Server.Http.GetStringAsync("/metrics"), t => t.Contains(name + "_total{", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the test counter");
        var series = text.Split('\n').Where(l => l.StartsWith(name + "_total{", StringComparison.Ordinal)).ToList();
        var overflow = series.Where(l => l.Contains("otel_metric_overflow=\"true\"", StringComparison.Ordinal)).ToList();
        (series.Count - overflow.Count).ShouldBe(200, string.Join('\n', series.Take(5)));
        overflow.Count.ShouldBe(1);
        overflow[0][(overflow[0].LastIndexOf('}') + 2)..].Split(' ')[0].ShouldBe("50", overflow[0]);
    }

    [Fact]
    public async Task Standalone_WithoutAnyConfiguration_ServesAccountsFromMemory()
    {
        await using var standalone = await ChaosServer.StartAsync(connectionString: null);
        (await standalone.Http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var user = await standalone.RegisterAsync();
        var me = await user.Http.GetFromJsonAsync<UserBody>("/api/v1/users/@me");
        me!.Id.ShouldBe(user.Id);
        var login = await standalone.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password });
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
