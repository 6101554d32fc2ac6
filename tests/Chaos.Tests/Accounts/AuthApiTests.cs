using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Accounts;

[Collection(AccountsServer.Name)]
public sealed class AuthApiTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Register_ReturnsCreatedUserAndTokens_AndStoresUsernameLowerCase()
    {
        var name = TestUser.UniqueName("Mixed");
        var response = await Server.Http.PostAsJsonAsync("/api/v1/auth/register", new { username = name, password = "password-123", displayName = "  Mixed Case  " });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<AuthBody>();
        body.ShouldNotBeNull();
        body.User.Username.ShouldBe(name.ToLowerInvariant());
        body.User.DisplayName.ShouldBe("Mixed Case");
        body.User.StatusMessage.ShouldBe(string.Empty);
        long.Parse(body.User.Id, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/users/{body.User.Id}");
        body.AccessToken.Split('.').Length.ShouldBe(3);
        body.ExpiresAt.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
    }

    [Fact]
    public async Task Register_IdIsSerializedAsString()
    {
        var response = await Server.Http.PostAsJsonAsync("/api/v1/auth/register", new { username = TestUser.UniqueName(), password = "password-123" });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        json.GetProperty("user").GetProperty("id").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task Register_WithoutDisplayName_UsesTheUsername()
    {
        var user = await Server.RegisterAsync();
        var me = await user.Http.GetFromJsonAsync<UserBody>("/api/v1/users/@me");
        me!.DisplayName.ShouldBe(user.Username);
    }

    [Fact]
    public async Task Register_UsernameDifferingOnlyByCase_IsTaken()
    {
        var name = TestUser.UniqueName("case");
        await Server.RegisterAsync(name);
        var response = await Server.Http.PostAsJsonAsync("/api/v1/auth/register", new { username = name.ToUpperInvariant(), password = "password-123" });
        await Problem.ExpectAsync(response, 409, "username_taken");
    }

    [Fact]
    public async Task Register_ConcurrentSameName_ExactlyOneWins()
    {
        var name = TestUser.UniqueName("race");
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Server.CreateClient().PostAsJsonAsync("/api/v1/auth/register", new { username = name, password = "password-123" })));

        attempts.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var loser in attempts.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await Problem.ExpectAsync(loser, 409, "username_taken");
        }
    }

    [Fact]
    public async Task Login_WithCorrectPassword_IsCaseInsensitiveOnUsername()
    {
        var user = await Server.RegisterAsync();
        var response = await Server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username.ToUpperInvariant(), password = user.Password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<AuthBody>();
        body!.User.Id.ShouldBe(user.Id);
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownUser_AnswerAlike()
    {
        var user = await Server.RegisterAsync();
        var wrongPassword = await Problem.ExpectAsync(
            await Server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = "not-the-password" }), 401, "invalid_credentials");
        var unknownUser = await Problem.ExpectAsync(
            await Server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = TestUser.UniqueName("ghost"), password = "not-the-password" }), 401, "invalid_credentials");
        unknownUser.Detail.ShouldBe(wrongPassword.Detail);
        unknownUser.Title.ShouldBe(wrongPassword.Title);
    }

    [Fact]
    public async Task Login_AfterTenFailures_IsRateLimitedEvenWithTheRightPassword()
    {
        var user = await Server.RegisterAsync();
        for (var i = 0; i < 10; i++)
        {
            await Problem.ExpectAsync(
                await Server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = $"wrong-{i}-password" }), 401, "invalid_credentials");
        }

        var limited = await Server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password });
        await Problem.ExpectAsync(limited, 429, "rate_limited");
        int.Parse(limited.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 300);

        // Another user is not affected by that user's failures.
        var other = await Server.RegisterAsync();
        (await Server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = other.Username, password = other.Password })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_RotatesTheToken_AndReuseRevokesTheWholeLogin()
    {
        var user = await Server.RegisterAsync();
        var first = await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken });
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var rotated = (await first.Content.ReadFromJsonAsync<AuthBody>())!;
        rotated.RefreshToken.ShouldNotBe(user.RefreshToken);

        // The new access token works.
        (await Server.CreateClient(rotated.AccessToken).GetAsync("/api/v1/users/@me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Presenting the old token again is reuse: 401, and the current token of that login dies with it.
        await Problem.ExpectAsync(await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken }), 401, "unauthorized");
        await Problem.ExpectAsync(await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = rotated.RefreshToken }), 401, "unauthorized");
    }

    [Fact]
    public async Task Refresh_ReuseInOneLogin_DoesNotEndOtherLogins()
    {
        var user = await Server.RegisterAsync();
        var second = (await (await Server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username = user.Username, password = user.Password })).Content.ReadFromJsonAsync<AuthBody>())!;
        await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken });
        await Problem.ExpectAsync(await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken }), 401, "unauthorized");

        (await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_RevokesTheRefreshToken()
    {
        var user = await Server.RegisterAsync();
        (await Server.Http.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await Problem.ExpectAsync(await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken }), 401, "unauthorized");
        // Logging out twice is harmless.
        (await Server.Http.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Me_CanBeReadAndPatched_AndOthersSeeThePublicProfileOnly()
    {
        var user = await Server.RegisterAsync();
        var patched = await user.Http.PatchAsJsonAsync("/api/v1/users/@me", new { displayName = "New Name", statusMessage = "on air 🎙️" });
        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        var me = (await patched.Content.ReadFromJsonAsync<UserBody>())!;
        me.DisplayName.ShouldBe("New Name");
        me.StatusMessage.ShouldBe("on air 🎙️");

        // Absent fields are left alone.
        var again = (await (await user.Http.PatchAsJsonAsync("/api/v1/users/@me", new { statusMessage = "" })).Content.ReadFromJsonAsync<UserBody>())!;
        again.DisplayName.ShouldBe("New Name");
        again.StatusMessage.ShouldBe(string.Empty);

        var other = await Server.RegisterAsync();
        var seen = await other.Http.GetAsync($"/api/v1/users/{user.Id}");
        seen.StatusCode.ShouldBe(HttpStatusCode.OK);
        var json = await seen.Content.ReadFromJsonAsync<JsonElement>();
        json.GetProperty("displayName").GetString().ShouldBe("New Name");
        json.TryGetProperty("statusMessage", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task GetUser_Unknown_IsNotFound()
    {
        var user = await Server.RegisterAsync();
        await Problem.ExpectAsync(await user.Http.GetAsync("/api/v1/users/999999999999"), 404, "not_found");
    }
}
