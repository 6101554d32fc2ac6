using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chaos.Permissions;
using P = Chaos.Permissions.Permissions;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Communities;

/// <summary>What the community tests do over HTTP again and again, written as a client would (JSON, string ids).</summary>
internal static class CommunityTestApi
{
    public const string Base = "/api/v1";

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The wire form of a permission set: the decimal string of the bitfield.</summary>
    public static string Bits(P permissions) => PermissionSets.Format(permissions);

    public static Task<HttpResponseMessage> SendAsync(this TestUser user, HttpMethod method, string path, string? json = null) =>
        SendAsync(user.Http, method, path, json);

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.StartsWith('/') && !path.StartsWith(Base, StringComparison.Ordinal) ? Base + path : path);
        if (json is not null)
        {
            request.Content = Json(json);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Sends and expects <paramref name="status"/>; returns the JSON body (or default for an empty body).</summary>
    public static async Task<JsonElement> ExpectAsync(this TestUser user, HttpMethod method, string path, string? json, HttpStatusCode status)
    {
        using var response = await user.SendAsync(method, path, json);
        return await ReadAsync(response, status);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<JsonElement> GetAsync(this TestUser user, string path) => user.ExpectAsync(HttpMethod.Get, path, null, HttpStatusCode.OK);

    public static async Task<JsonElement> CreateCommunityAsync(this TestUser owner, string name = "Test Hall")
    {
        using var response = await owner.Http.PostAsJsonAsync($"{Base}/communities", new { name });
        return await ReadAsync(response, HttpStatusCode.Created);
    }

    public static async Task<string> CreateInviteAsync(this TestUser user, string communityId, int? maxUses = null, int? maxAgeSeconds = null)
    {
        var body = JsonSerializer.Serialize(new { maxUses, maxAgeSeconds }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        var invite = await user.ExpectAsync(HttpMethod.Post, $"/communities/{communityId}/invites", body, HttpStatusCode.Created);
        return invite.Str("code");
    }

    public static Task<JsonElement> AcceptAsync(this TestUser user, string code) =>
        user.ExpectAsync(HttpMethod.Post, $"/invites/{code}", null, HttpStatusCode.OK);

    /// <summary>Registers a fresh user and brings them into the community through a new invite of <paramref name="inviter"/>.</summary>
    public static async Task<TestUser> AddMemberAsync(this ChaosServer server, TestUser inviter, string communityId)
    {
        var user = await server.RegisterAsync();
        await user.AcceptAsync(await inviter.CreateInviteAsync(communityId));
        return user;
    }

    public static async Task<string> CreateRoleAsync(this TestUser actor, string communityId, string name, P permissions, int? position = null)
    {
        var body = position is null
            ? $$"""{"name":"{{name}}","permissions":"{{Bits(permissions)}}"}"""
            : $$"""{"name":"{{name}}","permissions":"{{Bits(permissions)}}","position":{{position}}}""";
        var role = await actor.ExpectAsync(HttpMethod.Post, $"/communities/{communityId}/roles", body, HttpStatusCode.Created);
        return role.Str("id");
    }

    public static Task<JsonElement> AssignRoleAsync(this TestUser actor, string communityId, string userId, string roleId) =>
        actor.ExpectAsync(HttpMethod.Put, $"/communities/{communityId}/members/{userId}/roles/{roleId}", null, HttpStatusCode.OK);

    /// <summary>Creates a role with <paramref name="permissions"/> and gives it to a fresh member.</summary>
    public static async Task<(TestUser User, string RoleId)> AddMemberWithRoleAsync(this ChaosServer server, TestUser owner, string communityId, P permissions)
    {
        var user = await server.AddMemberAsync(owner, communityId);
        var roleId = await owner.CreateRoleAsync(communityId, "r" + Guid.NewGuid().ToString("N")[..6], permissions);
        await owner.AssignRoleAsync(communityId, user.Id, roleId);
        return (user, roleId);
    }

    public static async Task<IReadOnlyList<JsonElement>> AuditAsync(this TestUser actor, string communityId, int limit = 100, string? before = null)
    {
        var page = await actor.GetAsync($"/communities/{communityId}/audit-log?limit={limit}" + (before is null ? string.Empty : $"&before={before}"));
        return [.. page.EnumerateArray()];
    }

    public static string Str(this JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        value.ValueKind.ShouldBe(JsonValueKind.String, $"{property} in {element}");
        return value.GetString()!;
    }

    public static string[] Names(this JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    /// <summary>Asserts the object has exactly these properties: nothing missing, nothing extra.</summary>
    public static void ShouldHaveExactly(this JsonElement element, params string[] names) =>
        element.Names().ShouldBe([.. names.Order(StringComparer.Ordinal)], $"properties of {element}");

    /// <summary>Asserts an id: a string of decimal digits that parses as a positive 64-bit integer.</summary>
    public static string ShouldBeId(this JsonElement element, string property)
    {
        var id = element.Str(property);
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed).ShouldBeTrue($"{property} = {id}");
        parsed.ShouldBeGreaterThan(0);
        return id;
    }

    public static IReadOnlyList<JsonElement> Items(this JsonElement element, string property) => [.. element.GetProperty(property).EnumerateArray()];

    public static IReadOnlyList<string> ChannelIds(this JsonElement community) => [.. community.Items("channels").Select(c => c.Str("id"))];
}
