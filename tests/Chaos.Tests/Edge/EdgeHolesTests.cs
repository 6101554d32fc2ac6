using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Accounts;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Edge;

/// <summary>Holes of the public edge found by reading the code (issue 11): each test failed before its fix.</summary>
[Collection(AccountsServer.Name)]
public sealed class EdgeHolesTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Logout_WithTheRightIdsButAWrongSecret_EndsNothing()
    {
        var user = await Server.RegisterAsync();
        var parts = user.RefreshToken.Split('.');
        // The user id and the session id are inside every access token; only the secret is the refresh token's own.
        var forged = $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}";
        (await Server.Http.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = forged })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"username":12345,"password":"password-123"}""", "username", "must be a string")]
    [InlineData("""{"username":"someone","password":["a"]}""", "password", "must be a string")]
    [InlineData("""{"username":"someone","password":"password-123","displayName":{}}""", "displayName", "must be a string")]
    [InlineData("""{"username":"someone","password":"password-123","isAdmin":true}""", "isAdmin", "is not a known field")]
    [InlineData("""["username","password"]""", "$", null)]
    [InlineData("""{"username":"ab""", "$", null)]
    [InlineData("hello there", "$", null)]
    public async Task JsonTypeErrors_AreValidationFailed_WithErrorsNamingTheField(string body, string field, string? message)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var problem = await Problem.ExpectAsync(await Server.Http.PostAsync("/api/v1/auth/register", content), 400, "validation_failed");

        var errors = problem.Body.GetProperty("errors");
        errors.ValueKind.ShouldBe(JsonValueKind.Object);
        var messages = errors.GetProperty(field);
        messages.GetArrayLength().ShouldBe(1);
        if (message is not null)
        {
            messages[0].GetString().ShouldBe(message);
        }

        problem.Detail.ShouldNotBeNull().ShouldNotContain("System.");
    }

    [Fact]
    public async Task JsonTypeErrors_InNestedBodies_NameTheNestedField()
    {
        var owner = await Server.RegisterAsync();
        var community = await owner.Http.PostAsJsonAsync("/api/v1/communities", new { name = "json fields" });
        var id = (await community.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var content = new StringContent("""{"name":"r","permissions":17}""", System.Text.Encoding.UTF8, "application/json");
        var problem = await Problem.ExpectAsync(await owner.Http.PostAsync($"/api/v1/communities/{id}/roles", content), 400, "validation_failed");

        problem.Body.GetProperty("errors").GetProperty("permissions").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task DisplayNames_WithABidiOverride_AreRefused_AndNothingChanges()
    {
        var user = await Server.RegisterAsync();
        var problem = await Problem.ExpectAsync(await user.Http.PatchAsJsonAsync("/api/v1/users/@me", new { displayName = "admin\u202Egnp" }), 400, "validation_failed");
        problem.Body.GetProperty("errors").TryGetProperty("displayName", out _).ShouldBeTrue();

        var me = await user.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me");
        me.GetProperty("displayName").GetString().ShouldBe(user.Username);
    }
}
