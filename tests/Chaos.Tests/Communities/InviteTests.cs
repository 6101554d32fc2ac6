using System.Net;
using System.Text.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Communities;

/// <summary>Invite bounds, every way an invite stops working (invite_invalid), and users racing for the last use.</summary>
[Collection(InvitesServer.Name)]
public sealed class InviteTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Theory]
    [InlineData("""{"maxUses":-1}""", "maxUses")]
    [InlineData("""{"maxUses":101}""", "maxUses")]
    [InlineData("""{"maxAgeSeconds":-1}""", "maxAgeSeconds")]
    [InlineData("""{"maxAgeSeconds":604801}""", "maxAgeSeconds")]
    [InlineData("""{"maxUses":2147483647}""", "maxUses")]
    public async Task CreateInvite_OutOfBounds_IsValidationFailedNamingTheField(string body, string field)
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");

        var problem = await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Post, $"/communities/{id}/invites", body), 400, "validation_failed");

        problem.Body.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.Body.ToString());
        (await owner.GetAsync($"/communities/{id}/invites")).GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"maxUses":0,"maxAgeSeconds":0}""", 0, false)]
    [InlineData("""{"maxUses":100,"maxAgeSeconds":604800}""", 100, true)]
    [InlineData("""{"maxUses":1,"maxAgeSeconds":1}""", 1, true)]
    [InlineData("{}", 0, true)]
    public async Task CreateInvite_AtTheBounds_IsAccepted(string body, int maxUses, bool expires)
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");

        var invite = await owner.ExpectAsync(HttpMethod.Post, $"/communities/{id}/invites", body, HttpStatusCode.Created);

        invite.GetProperty("maxUses").GetInt32().ShouldBe(maxUses);
        invite.GetProperty("expiresAt").ValueKind.ShouldBe(expires ? JsonValueKind.String : JsonValueKind.Null);
        if (body == "{}")
        {
            // docs/api.md#limits: maxAgeSeconds defaults to 86400.
            DateTimeOffset.Parse(invite.Str("expiresAt"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task ExhaustedInvite_IsInviteInvalid_ForPreviewAndAccept()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id, maxUses: 1);
        await (await Server.RegisterAsync()).AcceptAsync(code);
        var late = await Server.RegisterAsync();

        await Problem.ExpectAsync(await late.SendAsync(HttpMethod.Post, $"/invites/{code}"), 404, "invite_invalid");
        await Problem.ExpectAsync(await Server.Http.GetAsync($"/api/v1/invites/{code}"), 404, "invite_invalid");
        await Problem.ExpectAsync(await late.SendAsync(HttpMethod.Get, $"/communities/{id}"), 403, "not_a_member");
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(2);
        (await owner.GetAsync($"/communities/{id}/invites")).GetArrayLength().ShouldBe(0, "used-up invites are not listed");
    }

    [Fact]
    public async Task RevokedInvite_IsInviteInvalid_AndRevokingAgainToo()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id);
        await owner.ExpectAsync(HttpMethod.Delete, $"/invites/{code}", null, HttpStatusCode.NoContent);
        var joiner = await Server.RegisterAsync();

        await Problem.ExpectAsync(await joiner.SendAsync(HttpMethod.Post, $"/invites/{code}"), 404, "invite_invalid");
        await Problem.ExpectAsync(await Server.Http.GetAsync($"/api/v1/invites/{code}"), 404, "invite_invalid");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Delete, $"/invites/{code}"), 404, "invite_invalid");
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task ExpiredInvite_BecomesInviteInvalid()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id, maxAgeSeconds: 1);
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(1);

        var status = await Eventually.ReturnsAsync(
            async () => (await Server.Http.GetAsync($"/api/v1/invites/{code}")).StatusCode, s => s == HttpStatusCode.NotFound, TimeSpan.FromSeconds(15), "the invite to expire");

        status.ShouldBe(HttpStatusCode.NotFound);
        DateTimeOffset.UtcNow.ShouldBeGreaterThan(expiresAt.AddMilliseconds(-500), "an invite must not expire early");
        var joiner = await Server.RegisterAsync();
        await Problem.ExpectAsync(await joiner.SendAsync(HttpMethod.Post, $"/invites/{code}"), 404, "invite_invalid");
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(1);
    }

    [Theory]
    [InlineData("ABCDEFGHIJ")]
    [InlineData("abc")]
    [InlineData("ABCDEFGHIJK")]
    [InlineData("ABCDE%20GHI")]
    [InlineData("ABCDE-GHIJ")]
    [InlineData("%27%3B%20DROP")]
    [InlineData("0000000000")]
    public async Task UnknownOrMalformedCode_IsInviteInvalid(string code)
    {
        var user = await Server.RegisterAsync();

        await Problem.ExpectAsync(await Server.Http.GetAsync($"/api/v1/invites/{code}"), 404, "invite_invalid");
        await Problem.ExpectAsync(await user.SendAsync(HttpMethod.Post, $"/invites/{code}"), 404, "invite_invalid");
        await Problem.ExpectAsync(await user.SendAsync(HttpMethod.Delete, $"/invites/{code}"), 404, "invite_invalid");
        (await user.GetAsync("/users/@me/communities")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task AcceptAndRevoke_WithoutAToken_AreUnauthorized()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id);

        await Problem.ExpectAsync(await Server.Http.PostAsync($"/api/v1/invites/{code}", null), 401, "unauthorized");
        await Problem.ExpectAsync(await Server.Http.DeleteAsync($"/api/v1/invites/{code}"), 401, "unauthorized");
        (await owner.GetAsync($"/communities/{id}/invites")).EnumerateArray().Single().GetProperty("uses").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task TenUsersRacingForAOneUseInvite_ExactlyOneGetsIn()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id, maxUses: 1);
        var racers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Server.RegisterAsync()));

        using var start = new SemaphoreSlim(0);
        var attempts = racers.Select(async racer =>
        {
            await start.WaitAsync();
            using var response = await racer.SendAsync(HttpMethod.Post, $"/invites/{code}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await Problem.ExpectAsync(response, 404, "invite_invalid");
            }

            return (racer, response.StatusCode);
        }).ToList();
        start.Release(racers.Length);
        var results = await Task.WhenAll(attempts);

        var winner = results.Where(r => r.StatusCode == HttpStatusCode.OK).ShouldHaveSingleItem().racer;
        results.Count(r => r.StatusCode == HttpStatusCode.NotFound).ShouldBe(9);
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(2);
        var members = (await owner.GetAsync($"/communities/{id}/members")).EnumerateArray().Select(m => m.GetProperty("user").Str("id")).ToList();
        members.Order().ShouldBe(new[] { owner.Id, winner.Id }.Order());
        foreach (var loser in racers.Where(r => r != winner))
        {
            await Problem.ExpectAsync(await loser.SendAsync(HttpMethod.Get, $"/communities/{id}"), 403, "not_a_member");
        }
    }

    [Fact]
    public async Task TwoUsersRacingForTheLastOfTwoUses_ExactlyOneGetsIn()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id, maxUses: 2);
        await (await Server.RegisterAsync()).AcceptAsync(code);
        var a = await Server.RegisterAsync();
        var b = await Server.RegisterAsync();

        var results = await Task.WhenAll(a.SendAsync(HttpMethod.Post, $"/invites/{code}"), b.SendAsync(HttpMethod.Post, $"/invites/{code}"));

        results.Select(r => r.StatusCode).Order().ShouldBe([HttpStatusCode.OK, HttpStatusCode.NotFound]);
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(3);
        (await owner.GetAsync($"/communities/{id}/members")).GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task Accept_WhenAlreadyAMember_Is200WithoutConsumingAUse()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id, maxUses: 2);
        var member = await Server.RegisterAsync();
        await member.AcceptAsync(code);

        var again = await member.AcceptAsync(code);
        var ownerToo = await owner.AcceptAsync(code);

        again.Str("id").ShouldBe(id);
        ownerToo.Str("id").ShouldBe(id);
        again.GetProperty("memberCount").GetInt32().ShouldBe(2);
        (await owner.GetAsync($"/communities/{id}/invites")).EnumerateArray().Single().GetProperty("uses").GetInt32().ShouldBe(1);
        await (await Server.RegisterAsync()).AcceptAsync(code);
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(3);
    }
}
