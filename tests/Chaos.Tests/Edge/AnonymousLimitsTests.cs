using System.Net;
using System.Net.Http.Json;
using Chaos.Accounts;
using Chaos.Errors;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Chaos.Tests.Edge;

/// <summary>
/// Anonymous traffic is limited per client address, and password hashing is bounded per process (issue 11, item 3). The
/// front door trusts 127.0.0.1 as a proxy here, so each test picks its client address through X-Forwarded-For.
/// </summary>
public sealed class AnonymousLimitsTests(AnonymousLimitsFixture fixture) : IClassFixture<AnonymousLimitsFixture>
{

    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task ALoginFlood_FromOneAddress_IsCut_WhileARealUserElsewhereLogsIn()
    {
        var real = await RegisterFromAsync("10.0.0.1");
        var flood = Enumerable.Range(0, 60).Select(i => PostFromAsync("10.6.6.6", "/api/v1/auth/login", new { username = $"nobody{i}x{Guid.NewGuid():N}"[..30], password = "password-123" })).ToList();

        var login = await PostFromAsync("10.0.0.2", "/api/v1/auth/login", new { username = real, password = "correct horse battery" });
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());

        var answers = await Task.WhenAll(flood);
        answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized).ShouldBeLessThanOrEqualTo(20);
        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.Count.ShouldBeGreaterThanOrEqualTo(40);
        foreach (var refusal in limited)
        {
            await Problem.ExpectAsync(refusal, 429, "rate_limited");
            refusal.Headers.RetryAfter.ShouldNotBeNull();
        }

        limited.Count(r => r.Headers.TryGetValues("X-RateLimit-Scope", out var scope) && scope.Single() == "ip").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task RegisterLoginAndRefresh_ShareOneBucketPerAddress()
    {
        const string Address = "10.1.1.1";
        for (var i = 0; i < 20; i++)
        {
            var response = await PostFromAsync(Address, "/api/v1/auth/refresh", new { refreshToken = "garbage" });
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        await Problem.ExpectAsync(await PostFromAsync(Address, "/api/v1/auth/register", new { username = TestUser.UniqueName(), password = "password-123" }), 429, "rate_limited");
        await Problem.ExpectAsync(await PostFromAsync(Address, "/api/v1/auth/login", new { username = "someone", password = "password-123" }), 429, "rate_limited");
        (await PostFromAsync("10.1.1.2", "/api/v1/auth/login", new { username = "someone", password = "password-123" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task InvitePreviews_AreLimitedPerAddress()
    {
        for (var i = 0; i < 5; i++)
        {
            await Problem.ExpectAsync(await GetFromAsync("10.2.2.2", $"/api/v1/invites/nosuchcode{i}"), 404, "invite_invalid");
        }

        var refused = await GetFromAsync("10.2.2.2", "/api/v1/invites/nosuchcode");
        await Problem.ExpectAsync(refused, 429, "rate_limited");
        refused.Headers.GetValues("X-RateLimit-Scope").Single().ShouldBe("ip");
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedPeer_IsIgnored()
    {
        await using var strict = await ChaosServer.StartAsync(null, new Dictionary<string, string?>
        {
            ["Chaos:RateLimits:Enabled"] = "true",
            ["Chaos:RateLimits:InvitePreviewsPerAddressLimit"] = "2",
            ["Chaos:RateLimits:InvitePreviewsPerAddressWindowSeconds"] = "600",
        });
        using var http = strict.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/invites/abc");
            request.Headers.Add("X-Forwarded-For", $"10.3.3.{i}");
            (await http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // A different X-Forwarded-For each time does not buy a fresh bucket: the peer is not a known proxy.
        using var third = new HttpRequestMessage(HttpMethod.Get, "/api/v1/invites/abc");
        third.Headers.Add("X-Forwarded-For", "10.3.3.99");
        (await http.SendAsync(third)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task PasswordHashing_PastItsQueue_Answers429AtOnce_AndRecovers()
    {
        using var hasher = new PasswordHasher(Options.Create(new PasswordHashingOptions { MemoryKiB = 8192, Iterations = 3, MaxConcurrent = 1, MaxQueued = 2, Niceness = 0, MaxWaitMilliseconds = 600_000 }));
        var hashes = Enumerable.Range(0, 12).Select(_ => Capture(() => hasher.HashAsync("password-123"))).ToList();
        var outcomes = await Task.WhenAll(hashes);

        outcomes.Count(o => o is null).ShouldBeGreaterThanOrEqualTo(1);
        outcomes.Count(o => o is null).ShouldBeLessThanOrEqualTo(3, "one runs and two wait");
        outcomes.Where(o => o is not null).ShouldAllBe(o => o!.Code == ErrorCodes.RateLimited && o.RetryAfterSeconds > 0);

        // Nothing stays taken: the next hash runs.
        (await hasher.HashAsync("password-123")).ShouldStartWith("$argon2id$");
    }

    private static async Task<ChaosException?> Capture(Func<Task> work)
    {
        try
        {
            await work();
            return null;
        }
        catch (ChaosException refused)
        {
            return refused;
        }
    }

    private async Task<string> RegisterFromAsync(string address)
    {
        var username = TestUser.UniqueName();
        var response = await PostFromAsync(address, "/api/v1/auth/register", new { username, password = "correct horse battery" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return username;
    }

    private Task<HttpResponseMessage> PostFromAsync<T>(string address, string path, T body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", address);
        return Server.Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> GetFromAsync(string address, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", address);
        return Server.Http.SendAsync(request);
    }
}
