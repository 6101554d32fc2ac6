using System.Net.Http.Json;
using System.Text;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Support;

/// <summary>Hostile and malformed input to the support desk: every refusal is a 4xx problem with a stable code.</summary>
[Collection(SupportCollection.Name)]
public sealed class SupportValidationTests(SupportFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task StartingAConversation_RefusesBadInput_AndDesksThatAreOff()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        using var anonymous = Server.CreateClient();
        var start = $"/api/v1/support/{communityId}/conversations";

        (await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { message = "hi" }), 400, "validation_failed")).Body.GetProperty("errors").TryGetProperty("name", out _).ShouldBeTrue();
        (await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "A", email = "not-an-address", message = "hi" }), 400, "validation_failed")).Body.GetProperty("errors").TryGetProperty("email", out _).ShouldBeTrue();
        (await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "A", message = "   " }), 400, "validation_failed")).Body.GetProperty("errors").TryGetProperty("message", out _).ShouldBeTrue();
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "A", message = new string('x', 4001) }), 400, "validation_failed");
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = new string('n', 65), message = "hi" }), 400, "validation_failed");
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "A\u0007", message = "hi" }), 400, "validation_failed");
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = "A", message = "hi", admin = true }), 400, "validation_failed");
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync(start, new { name = 5, message = "hi" }), 400, "validation_failed");
        await Problem.ExpectAsync(await anonymous.PostAsync(start, new StringContent("{not json", Encoding.UTF8, "application/json")), 400, "validation_failed");
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync("/api/v1/support/nope/conversations", new { name = "A", message = "hi" }), 400, "validation_failed");

        // A community whose desk is off, or no community at all, has no desk.
        var plain = await Server.RegisterAsync();
        var other = await Gateway.GatewayTests.CreateCommunityAsync(plain);
        await Problem.ExpectAsync(await anonymous.PostAsJsonAsync($"/api/v1/support/{other.Id()}/conversations", new { name = "A", message = "hi" }), 404, "not_found");
        await Problem.ExpectAsync(await anonymous.GetAsync($"/api/v1/support/{other.Id()}"), 404, "not_found");
        await Problem.ExpectAsync(await anonymous.GetAsync("/api/v1/support/123456789"), 404, "not_found");
        var info = await SupportKit.GetAsync(anonymous, $"/api/v1/support/{communityId}");
        (info.GetProperty("enabled").GetBoolean(), info.GetProperty("greeting").GetString()).ShouldBe((true, "Hi! How can we help?"));

        // Only managers change the desk; its text is validated.
        await Problem.ExpectAsync(await plain.Http.PatchAsJsonAsync($"/api/v1/communities/{communityId}", new { supportDesk = new { enabled = false } }), 403, "not_a_member");
        await Problem.ExpectAsync(await owner.Http.PatchAsJsonAsync($"/api/v1/communities/{communityId}", new { supportDesk = new { greeting = new string('g', 501) } }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PatchAsJsonAsync($"/api/v1/communities/{communityId}", new { supportDesk = new { enabled = "yes" } }), 400, "validation_failed");
    }

    [Fact]
    public async Task AgentAndConversationRoutes_RefuseBadInput()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var me = $"/api/v1/communities/{communityId}/support/agents/@me";
        await Problem.ExpectAsync(await owner.Http.PutAsJsonAsync(me, new { status = "available", maxConcurrent = 0 }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PutAsJsonAsync(me, new { status = "available", maxConcurrent = 21 }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PutAsJsonAsync(me, new { status = "busy", maxConcurrent = 2 }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PutAsJsonAsync(me, new { maxConcurrent = 2 }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.GetAsync($"/api/v1/communities/{communityId}/support/conversations?status=open"), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.GetAsync($"/api/v1/communities/{communityId}/support/conversations?limit=1000"), 400, "validation_failed");

        var guest = await SupportKit.StartAsync(Server, communityId, "Bob", "hello");
        var path = $"/api/v1/support/conversations/{guest.ConversationId}";
        // Assigning to someone who is no agent, or taking before saying one is available.
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync(path + "/assign", new { }), 409, "conflict");
        await SupportKit.SetAgentAsync(owner, communityId, "away", 2);
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync(path + "/assign", new { agentId = "42" }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync(path + "/assign", new { agentId = "x" }), 400, "validation_failed");
        var taken = await SupportKit.PostAsync(owner.Http, path + "/assign", new { });
        taken.AgentId().ShouldBe(owner.Id);

        await Problem.ExpectAsync(await guest.Http.PostAsJsonAsync(path + "/messages", new { content = "" }), 400, "validation_failed");
        await Problem.ExpectAsync(await guest.Http.PostAsJsonAsync(path + "/rating", new { score = 4 }), 409, "conflict");
        await SupportKit.PostAsync(guest.Http, path + "/close");
        await Problem.ExpectAsync(await guest.Http.PostAsJsonAsync(path + "/rating", new { score = 6 }), 400, "validation_failed");
        await Problem.ExpectAsync(await guest.Http.PostAsJsonAsync(path + "/rating", new { }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync(path + "/assign", new { }), 409, "conflict");
        // Closing twice is the same close.
        (await SupportKit.PostAsync(owner.Http, path + "/close")).Status().ShouldBe("closed");
        await Problem.ExpectAsync(await owner.Http.GetAsync("/api/v1/support/conversations/987654321"), 404, "not_found");
    }
}
