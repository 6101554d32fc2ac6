using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Ai;

/// <summary>
/// <c>GET /ai/status</c> and <c>/health/ready</c> with AI off, on (a real Ollama when <c>$OLLAMA_URL</c> is set, the fake
/// otherwise: <see cref="ModelServer"/>), and pointed at a server that is not there.
/// </summary>
public sealed class AiStatusTests(ModelServerFixture fixture) : IClassFixture<ModelServerFixture>
{
    [Fact]
    public async Task Status_WithAReachableModelServer_NamesTheModels()
    {
        var user = await fixture.Server.RegisterAsync();
        var status = await Eventually.ReturnsAsync(
            () => user.GetAsync("/ai/status"), s => s.GetProperty("reachable").GetBoolean(), TimeSpan.FromSeconds(30), "the first probe");

        status.ShouldHaveExactly("enabled", "reachable", "chatModel", "moderationModel", "transcripts");
        status.GetProperty("transcripts").ShouldHaveExactly("enabled", "model", "detail");
        status.GetProperty("transcripts").GetProperty("enabled").GetBoolean().ShouldBeFalse("no speech model is configured");
        status.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        status.Str("chatModel").ShouldBe(fixture.Model.ChatModel);
        status.Str("moderationModel").ShouldBe(fixture.Model.ModerationModel);
        var ready = await fixture.Server.Http.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldBe("Healthy");
        ((int)(await new HttpClient { BaseAddress = fixture.Server.BaseAddress }.GetAsync("/api/v1/ai/status")).StatusCode).ShouldBe(401);
    }

    [Fact]
    public async Task AbsentModelServer_NeitherStopsStartUp_NorFailsReadiness()
    {
        var port = PostgresServer.FreeTcpPort();
        await using var server = await ChaosServer.StartAsync(null, new Dictionary<string, string?> { ["Chaos:Ai:OllamaUrl"] = $"http://127.0.0.1:{port}" });
        var user = await server.RegisterAsync();

        var ready = await server.Http.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldBe("Degraded");
        var status = await user.GetAsync("/ai/status");
        status.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        status.GetProperty("reachable").GetBoolean().ShouldBeFalse();

        // Chat goes on; a summary says the model is unavailable.
        var community = await user.CreateCommunityAsync();
        await user.ExpectAsync(HttpMethod.Patch, $"/communities/{community.Str("id")}", """{"ai":{"summaries":true}}""", HttpStatusCode.OK);
        var channelId = community.ChannelIds()[0];
        await user.ExpectAsync(HttpMethod.Post, $"/channels/{channelId}/messages", """{"content":"hello"}""", HttpStatusCode.Created);
        await Problem.ExpectAsync(await user.SendAsync(HttpMethod.Post, $"/channels/{channelId}/summaries", "{}"), 503, "ai_unavailable");
    }

    [Fact]
    public async Task NoUrl_MeansOff_AndSummariesSaySo()
    {
        await using var server = await ChaosServer.StartAsync(null);
        var user = await server.RegisterAsync();

        var status = await user.GetAsync("/ai/status");
        status.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        status.GetProperty("reachable").GetBoolean().ShouldBeFalse();
        (await (await server.Http.GetAsync("/health/ready")).Content.ReadAsStringAsync()).ShouldBe("Healthy");
        var community = await user.CreateCommunityAsync();
        await Problem.ExpectAsync(await user.SendAsync(HttpMethod.Post, $"/channels/{community.ChannelIds()[0]}/summaries", "{}"), 503, "ai_unavailable");
    }

    [Fact]
    public async Task InvalidAiConfiguration_StopsStartUp_NamingTheKey()
    {
        var failure = await Should.ThrowAsync<Exception>(() => ChaosServer.StartAsync(null, new Dictionary<string, string?> { ["Chaos:Ai:OllamaUrl"] = "ftp://nope" }));
        failure.ToString().ShouldContain("Chaos:Ai:OllamaUrl");
        var zero = await Should.ThrowAsync<Exception>(() => ChaosServer.StartAsync(null, new Dictionary<string, string?> { ["Chaos:Ai:MaxConcurrentCalls"] = "0" }));
        zero.ToString().ShouldContain("Chaos:Ai:MaxConcurrentCalls");
    }
}
