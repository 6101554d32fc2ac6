using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Chaos.Tests.Hosting;

/// <summary>
/// The Orleans dashboard (<c>Chaos:Admin:Dashboard</c>) is served at <c>/admin/dashboard</c> to administrators only: a
/// Basic login with <c>Chaos:Admin:Token</c> or the access token of a user in <c>Chaos:Admin:Users</c>. Anonymous
/// requests get 401 (with a Basic challenge for browsers), wrong passwords 401, ordinary users 403.
/// </summary>
public sealed class AdminDashboardTests(AdminDashboardFixture fixture) : IClassFixture<AdminDashboardFixture>
{
    private const string Token = AdminDashboardFixture.Token;
    private readonly ChaosServer server = fixture.Server;
    private readonly TestUser admin = fixture.Admin;
    private readonly TestUser ordinary = fixture.Ordinary;

    [Theory]
    [InlineData("/admin/dashboard/index.html")]
    [InlineData("/admin/dashboard/ClusterStats")]
    public async Task Anonymous_Gets401_WithABasicChallenge(string path)
    {
        using var response = await server.CreateClient().GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Basic");
        (await Problem.ReadAsync(response)).Code.ShouldBe("unauthorized");
    }

    [Fact]
    public async Task AWrongPassword_Gets401()
    {
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = Basic("admin", "not-the-token-but-long-enough-to-be-one");
        using var response = await client.GetAsync("/admin/dashboard/ClusterStats");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "%%% not base64");
        using var malformed = await client.GetAsync("/admin/dashboard/ClusterStats");
        malformed.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnOrdinaryUser_Gets403()
    {
        using var response = await server.CreateClient(ordinary.AccessToken).GetAsync("/admin/dashboard/ClusterStats");

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Problem.ReadAsync(response)).Code.ShouldBe("forbidden");
    }

    [Fact]
    public async Task TheAdminToken_AndAListedUser_SeeTheDashboard()
    {
        using var browser = server.CreateClient();
        browser.DefaultRequestHeaders.Authorization = Basic("operator", Token);
        using var page = await browser.GetAsync("/admin/dashboard/index.html");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("<html", Case.Insensitive);

        using var stats = await server.CreateClient(admin.AccessToken).GetAsync("/admin/dashboard/ClusterStats");
        stats.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Chaos:Admin:Token", "", "needs an administrator")]
    [InlineData("Chaos:Admin:Token", "too-short", "at least 32 bytes")]
    [InlineData("Chaos:Admin:Users:0", "alice", "not a user id")]
    public void AnUnusableAdminSection_StopsStartUp(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chaos:Admin:Dashboard"] = "true",
            [key] = value,
        }).Build();

        var error = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(
            () => Chaos.Hosting.ChaosConfiguration.Read<Chaos.Hosting.AdminOptions>(configuration, Chaos.Hosting.AdminOptions.Section));
        error.Message.ShouldContain(message);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
