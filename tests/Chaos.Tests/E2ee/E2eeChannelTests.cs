using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using static Chaos.Tests.E2ee.E2eeSteps;

namespace Chaos.Tests.E2ee;

/// <summary>
/// e2ee channels through REST and the real SignalR client: chosen at creation, never converted, refusing plaintext,
/// carrying ciphertext through the ordinary message path, and never searchable.
/// </summary>
[Collection(E2eeServer.Name)]
public sealed class E2eeChannelTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task E2eeDm_RefusesPlaintext_AndCarriesCiphertextThroughHistoryEventsAndReadStates()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var plainDm = (await (await ada.Http.PostAsJsonAsync("/api/v1/users/@me/channels", new { recipientIds = new[] { bob.Id } })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var dm = await OpenE2eeChannelAsync(ada, bob);
        dm.ShouldNotBe(plainDm);
        (await OpenE2eeChannelAsync(bob, ada)).ShouldBe(dm);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);

        var refused = await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync($"/api/v1/channels/{dm}/messages", new { content = "hello in the clear" }), 400, "validation_failed");
        refused.Body.GetProperty("errors").TryGetProperty("content", out _).ShouldBeTrue();
        var hubRefusal = await Should.ThrowAsync<HubException>(() => bobClient.Connection.InvokeAsync<JsonElement>("SendMessage", dm, "hello in the clear", null));
        hubRefusal.Message.ShouldContain("validation_failed");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync($"/api/v1/channels/{dm}/messages", new { content = "both", ciphertext = RandomBase64(40) }), 400, "validation_failed");
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("file")), "files", "a.txt" } })
        {
            (await ada.Http.PostAsync($"/api/v1/channels/{dm}/attachments", form)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        // A plain channel refuses ciphertext in turn.
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync($"/api/v1/channels/{plainDm}/messages", new { ciphertext = RandomBase64(40) }), 400, "validation_failed");

        var ciphertext = RandomBase64(300);
        var sent = await SendCiphertextAsync(ada, dm, ciphertext);
        sent.GetProperty("content").GetString().ShouldBe(string.Empty);
        sent.GetProperty("ciphertext").GetString().ShouldBe(ciphertext);
        sent.GetProperty("seq").GetInt64().ShouldBe(1);
        var created = await bobClient.WaitForAsync("MessageCreated", m => m.GetProperty("channelId").GetString() == dm);
        created.GetProperty("ciphertext").GetString().ShouldBe(ciphertext);

        var reply = await bobClient.Connection.InvokeAsync<JsonElement>("SendCiphertext", dm, RandomBase64(100), "n-1");
        reply.GetProperty("seq").GetInt64().ShouldBe(2);
        (await bobClient.Connection.InvokeAsync<JsonElement>("SendCiphertext", dm, RandomBase64(100), "n-1")).GetProperty("id").GetString()
            .ShouldBe(reply.GetProperty("id").GetString(), "a repeated nonce answers the original");

        var history = await bob.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{dm}/messages");
        history.EnumerateArray().Select(m => m.GetProperty("ciphertext").GetString()).First().ShouldBe(ciphertext);
        (await bob.Http.PutAsJsonAsync($"/api/v1/channels/{dm}/read-state", new { lastReadMessageId = sent.GetProperty("id").GetString() })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await bobClient.WaitForAsync("ReadStateUpdated", r => r.GetProperty("channelId").GetString() == dm);

        // Edits in the clear are refused as well; deleting works and blanks the ciphertext.
        await Problem.ExpectAsync(await ada.Http.PatchAsJsonAsync($"/api/v1/channels/{dm}/messages/{sent.GetProperty("id").GetString()}", new { content = "edited" }), 400, "validation_failed");
        (await ada.Http.DeleteAsync($"/api/v1/channels/{dm}/messages/{sent.GetProperty("id").GetString()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Ciphertext_IsBoundedAndMustBeBase64()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var dm = await OpenE2eeChannelAsync(ada, bob);
        string Url() => $"/api/v1/channels/{dm}/messages";

        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(), new { ciphertext = RandomBase64(6145) }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(), new { ciphertext = "not*base64" }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(), new { ciphertext = "" }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(), new { ciphertext = 12 }), 400, "validation_failed");
        (await ada.Http.PostAsJsonAsync(Url(), new { ciphertext = RandomBase64(6144) })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        (await Should.ThrowAsync<HubException>(() => adaClient.Connection.InvokeAsync<JsonElement>("SendCiphertext", dm, "@@@", null))).Message.ShouldContain("validation_failed");
    }

    [Fact]
    public async Task E2eeIsChosenAtCreation_VoiceOnlyInCommunities_AndNeverConverted()
    {
        var ada = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(ada);
        var communityId = community.GetProperty("id").GetString();
        var created = await ada.Http.PostAsJsonAsync($"/api/v1/communities/{communityId}/channels", new { name = "secret voice", type = "voice", e2ee = true });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var voice = await created.Content.ReadFromJsonAsync<JsonElement>();
        voice.GetProperty("e2ee").GetBoolean().ShouldBeTrue();
        voice.GetProperty("aiExcluded").GetBoolean().ShouldBeTrue();
        var voiceId = voice.GetProperty("id").GetString();

        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync($"/api/v1/communities/{communityId}/channels", new { name = "secret text", type = "text", e2ee = true }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PatchAsJsonAsync($"/api/v1/channels/{voiceId}", new { e2ee = false }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PatchAsJsonAsync($"/api/v1/channels/{voiceId}", new { aiExcluded = false }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PatchAsJsonAsync($"/api/v1/channels/{GatewayTests.GeneralChannel(community)}", new { e2ee = true }), 400, "validation_failed");
        (await ada.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{voiceId}")).GetProperty("e2ee").GetBoolean().ShouldBeTrue();
        (await ada.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{GatewayTests.GeneralChannel(community)}")).GetProperty("e2ee").GetBoolean().ShouldBeFalse();
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync($"/api/v1/channels/{voiceId}/messages", new { content = "plain" }), 400, "validation_failed");
    }

    [Fact]
    public async Task Search_NeverReturnsE2eeMessages_AndTheDatabaseHoldsNoContent()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var cat = await Server.RegisterAsync();
        await Personal.Personal.BefriendAsync(ada, bob);
        await Personal.Personal.BefriendAsync(ada, cat);
        var dm = await OpenE2eeChannelAsync(ada, bob);
        var group = await OpenE2eeChannelAsync(ada, bob, cat);

        // A client could send anything as "ciphertext", even words: they must still never be searchable.
        var word = "zebrafinch" + Guid.NewGuid().ToString("N")[..8];
        var sent = await SendCiphertextAsync(ada, dm, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{word} {word}")));
        await SendCiphertextAsync(ada, group, Convert.ToBase64String(Encoding.UTF8.GetBytes(word)));

        foreach (var channel in new[] { dm, group })
        {
            var found = await ada.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{channel}/messages/search?q={word}");
            found.GetProperty("messages").GetArrayLength().ShouldBe(0);
        }

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT content, ciphertext IS NOT NULL FROM messages WHERE id = $1", connection) { Parameters = { new() { Value = long.Parse(sent.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture) } } };
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe(string.Empty);
        reader.GetBoolean(1).ShouldBeTrue();
    }
}
