using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Api.Demo;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Demo;

/// <summary>The living demo (<c>--demo</c>): what it seeds, in standalone mode and twice against one PostgreSQL database.</summary>
[StartsEarly(2)]
public sealed class DemoSeederTests
{
    [Fact]
    public async Task Standalone_SeedsUsersCommunitiesMessagesAFriendshipAndAVoiceMessage()
    {
        await using var server = await ChaosServer.StartAsync(null);
        var output = new StringWriter();

        var posted = await new DemoSeeder(server.Http, output).SeedAsync(CancellationToken.None);

        posted.ShouldBe(13);
        foreach (var (username, _, password) in DemoSeeder.Users)
        {
            output.ToString().ShouldContain($"demo user {username} password {password}\n");
        }

        await ShouldHoldTheDemoAsync(server);
    }

    [Fact]
    public async Task PostgreSql_ARestartSeedsNothingTwice()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using (var first = await ChaosServer.StartAsync(connectionString))
        {
            (await new DemoSeeder(first.Http, TextWriter.Null).SeedAsync(CancellationToken.None)).ShouldBe(13);
        }

        await using var second = await ChaosServer.StartAsync(connectionString);
        var output = new StringWriter();
        (await new DemoSeeder(second.Http, output).SeedAsync(CancellationToken.None)).ShouldBe(0);
        output.ToString().ShouldContain("demo user ada password demo-ada-engine");
        await ShouldHoldTheDemoAsync(second);
    }

    private static async Task ShouldHoldTheDemoAsync(ChaosServer server)
    {
        var ada = await LoginAsync(server, "ada", "demo-ada-engine");
        var communities = await ada.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/communities");
        communities.EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order().ShouldBe([DemoSeeder.StudioName, DemoSeeder.LoungeName]);

        var lounge = communities.EnumerateArray().Single(c => c.GetProperty("name").GetString() == DemoSeeder.LoungeName).GetProperty("id").GetString();
        var studio = communities.EnumerateArray().Single(c => c.GetProperty("name").GetString() == DemoSeeder.StudioName).GetProperty("id").GetString();
        (await MessagesAsync(ada, lounge!)).GetArrayLength().ShouldBe(8);
        var studioMessages = await MessagesAsync(ada, studio!);
        studioMessages.GetArrayLength().ShouldBe(5);
        var voice = studioMessages.EnumerateArray().SelectMany(m => m.GetProperty("attachments").EnumerateArray()).ShouldHaveSingleItem();
        voice.GetProperty("durationMs").GetInt32().ShouldBeInRange(1900, 2100);

        var members = await ada.GetFromJsonAsync<JsonElement>($"/api/v1/communities/{lounge}/members?limit=100");
        members.GetArrayLength().ShouldBe(5);
        var relationships = await ada.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/relationships");
        relationships.EnumerateArray().ShouldHaveSingleItem().GetProperty("type").GetString().ShouldBe("friend");
    }

    private static async Task<JsonElement> MessagesAsync(HttpClient client, string communityId)
    {
        var community = await client.GetFromJsonAsync<JsonElement>($"/api/v1/communities/{communityId}");
        var general = community.GetProperty("channels").EnumerateArray().First(c => c.GetProperty("type").GetString() == "text").GetProperty("id").GetString();
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{general}/messages?limit=100");
    }

    private static async Task<HttpClient> LoginAsync(ChaosServer server, string username, string password)
    {
        var response = await server.Http.PostAsJsonAsync("/api/v1/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        var auth = await response.Content.ReadFromJsonAsync<AuthBody>();
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auth!.AccessToken);
        return client;
    }
}
