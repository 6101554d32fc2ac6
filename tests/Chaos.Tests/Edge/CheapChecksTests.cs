using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Tests.Accounts;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Edge;

/// <summary>
/// Guessed refresh tokens and invite codes are turned away by a keyed tag before any grain is activated (issue 11, item 3;
/// docs/architecture.md#cheap-checks-before-grains). Activations are read from Orleans' management grain.
/// </summary>
[Collection(AccountsServer.Name)]
public sealed class CheapChecksTests(ApiFixture fixture)
{
    private const int Flood = 200;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task AFloodOfGuessedRefreshTokens_ActivatesNoUserGrain_WhileRealTokensStillRefresh()
    {
        var real = await Server.RegisterAsync();
        var guessedUsers = FreshId.Many(Flood);
        // Both shapes: the grain's own three parts (what a token looked like before it was tagged) and three parts with a made-up tag.
        var tokens = guessedUsers.Select((id, i) => i % 2 == 0 ? $"{id}.{Base64Url(16)}.{Base64Url(32)}" : $"{id}.{Base64Url(16)}.{Base64Url(32)}.{Base64Url(16)}");
        foreach (var token in tokens)
        {
            await Problem.ExpectAsync(await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token }), 401, "unauthorized");
            (await Server.Http.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = token })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var active = await ActiveGrainsAsync();
        guessedUsers.Count(id => active.Contains(Grains.GetGrain<IUserGrain>(id).GetGrainId())).ShouldBe(0, "a guessed refresh token woke a User grain");

        // A real token still rotates, and its successor works; a tampered tag does not.
        var first = await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = real.RefreshToken });
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var next = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;
        var tampered = next[..^1] + (next[^1] == 'A' ? 'B' : 'A');
        await Problem.ExpectAsync(await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tampered }), 401, "unauthorized");
        (await Server.Http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = next })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AFloodOfGuessedInviteCodes_ActivatesNoInviteGrain_WhileRealInvitesStillWork()
    {
        var owner = await Server.RegisterAsync();
        var community = (await owner.CreateCommunityAsync("tagged invites")).GetProperty("id").GetString()!;
        var code = await owner.CreateInviteAsync(community);
        code.Length.ShouldBe(InviteKey.CodeLength);

        // Codes of the old length and of the new one, both well formed: only the tag can tell them apart.
        var guessed = Enumerable.Range(0, Flood).Select(i => RandomNumberGenerator.GetString(Alphabet, i % 2 == 0 ? 10 : InviteKey.CodeLength)).ToList();
        var joiner = await Server.RegisterAsync();
        foreach (var (guess, i) in guessed.Select((g, i) => (g, i)))
        {
            var response = i % 4 == 1
                ? await joiner.SendAsync(HttpMethod.Post, $"/invites/{guess}")
                : await Server.Http.GetAsync($"/api/v1/invites/{guess}");
            await Problem.ExpectAsync(response, 404, "invite_invalid");
        }

        var active = await ActiveGrainsAsync();
        guessed.Count(g => active.Contains(Grains.GetGrain<IInviteGrain>(InviteKey.For(g)).GetGrainId())).ShouldBe(0, "a guessed invite code woke an Invite grain");

        var preview = await Server.Http.GetAsync($"/api/v1/invites/{code}");
        preview.StatusCode.ShouldBe(HttpStatusCode.OK, await preview.Content.ReadAsStringAsync());
        (await joiner.AcceptAsync(code)).GetProperty("id").GetString().ShouldBe(community);

        // One character changed in the tag makes a real code a guess.
        var forged = code[..^1] + (code[^1] == 'A' ? 'B' : 'A');
        await Problem.ExpectAsync(await Server.Http.GetAsync($"/api/v1/invites/{forged}"), 404, "invite_invalid");
    }

    private IGrainFactory Grains => Server.Services.GetRequiredService<IGrainFactory>();

    private async Task<HashSet<GrainId>> ActiveGrainsAsync()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return [.. statistics.Select(s => s.GrainId)];
    }

    private static string Base64Url(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
