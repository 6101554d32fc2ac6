using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Chaos.Api.Demo;

/// <summary>
/// The living demo (docs/operations.md#the-living-demo): five users, two communities, a dozen messages, a friendship
/// and a voice message, created through the public REST API like any client would. Every step first looks whether
/// its result exists, so a restart against the same PostgreSQL database adds nothing twice.
/// </summary>
public sealed class DemoSeeder(HttpClient http, TextWriter output)
{
    /// <summary>The demo users: username, display name, password (printed at start-up; this is a demo).</summary>
    public static readonly IReadOnlyList<(string Username, string DisplayName, string Password)> Users =
    [
        ("ada", "Ada Lovelace", "demo-ada-engine"),
        ("grace", "Grace Hopper", "demo-grace-cobol"),
        ("linus", "Linus", "demo-linus-kernel"),
        ("margaret", "Margaret Hamilton", "demo-margaret-apollo"),
        ("alan", "Alan Turing", "demo-alan-enigma"),
    ];

    public const string LoungeName = "CHAOS Lounge";
    public const string StudioName = "Audio Studio";

    private static readonly string[] LoungeScript =
    [
        "ada|Welcome to the CHAOS Lounge! Say hi 👋",
        "grace|Hi everyone. The voice channel is open if you want to talk.",
        "linus|Hello! Is this thing running on Orleans?",
        "ada|Yes: every community, channel and user is a grain, persisted to PostgreSQL.",
        "margaret|Nice. And the messages keep their order after a restart?",
        "ada|Every message has a seq per channel, so clients can fill gaps themselves.",
        "alan|Testing mentions: hello <@{grace}>!",
        "grace|Works. Try the dark mode switch too.",
    ];

    private static readonly string[] StudioScript =
    [
        "grace|This is where we try the audio features.",
        "margaret|Join the General voice channel, it relays Opus frames.",
        "alan|Hold the record button to leave a voice message.",
        "grace|Here is one to start with:",
    ];

    private readonly Dictionary<string, Session> sessions = new(StringComparer.Ordinal);

    /// <summary>Creates whatever of the demo is missing; answers how many messages it posted (0 on a second run).</summary>
    public async Task<int> SeedAsync(CancellationToken ct)
    {
        foreach (var (username, displayName, password) in Users)
        {
            sessions[username] = await SignInAsync(username, displayName, password, ct);
            await output.WriteLineAsync($"demo user {username} password {password}");
        }

        var lounge = await EnsureCommunityAsync("ada", LoungeName, "Everyone's first stop: chat, voice and friends.", ["grace", "linus", "margaret", "alan"], ct);
        var studio = await EnsureCommunityAsync("grace", StudioName, "Voice rooms and voice messages.", ["ada", "margaret", "alan"], ct);
        var posted = await EnsureMessagesAsync(lounge, LoungeScript, voiceMessageBy: null, ct);
        posted += await EnsureMessagesAsync(studio, StudioScript, voiceMessageBy: "grace", ct);
        await EnsureFriendsAsync("ada", "grace", ct);
        await output.WriteLineAsync($"demo ready: {Users.Count} users, communities '{LoungeName}' and '{StudioName}' ({posted} messages posted now)");
        return posted;
    }

    private async Task<Session> SignInAsync(string username, string displayName, string password, CancellationToken ct)
    {
        using var register = await SendAsync(HttpMethod.Post, "/api/v1/auth/register", null, JsonContent.Create(new { username, password, displayName }), ct);
        if (register.StatusCode == HttpStatusCode.Conflict)
        {
            using var login = await SendAsync(HttpMethod.Post, "/api/v1/auth/login", null, JsonContent.Create(new { username, password }), ct);
            return ToSession(await ReadAsync(login, ct));
        }

        return ToSession(await ReadAsync(register, ct));
    }

    private static Session ToSession(JsonElement auth) => new(auth.GetProperty("user").GetProperty("id").GetString()!, auth.GetProperty("accessToken").GetString()!);

    /// <summary>The owner's community of that name (created when missing), with every listed member in it.</summary>
    private async Task<JsonElement> EnsureCommunityAsync(string owner, string name, string description, string[] members, CancellationToken ct)
    {
        var mine = await GetAsync(owner, "/api/v1/users/@me/communities", ct);
        var id = mine.EnumerateArray().Where(c => c.GetProperty("name").GetString() == name).Select(c => c.GetProperty("id").GetString()).FirstOrDefault();
        if (id is null)
        {
            id = (await PostAsync(owner, "/api/v1/communities", new { name, description }, ct)).GetProperty("id").GetString()!;
        }

        string? code = null;
        foreach (var member in members)
        {
            var theirs = await GetAsync(member, "/api/v1/users/@me/communities", ct);
            if (theirs.EnumerateArray().Any(c => c.GetProperty("id").GetString() == id))
            {
                continue;
            }

            code ??= (await PostAsync(owner, $"/api/v1/communities/{id}/invites", new { maxUses = 0, maxAgeSeconds = 3600 }, ct)).GetProperty("code").GetString();
            await PostAsync(member, $"/api/v1/invites/{code}", null, ct);
        }

        return await GetAsync(owner, $"/api/v1/communities/{id}", ct);
    }

    /// <summary>Posts the script in the community's text channel unless that channel already has messages.</summary>
    private async Task<int> EnsureMessagesAsync(JsonElement community, string[] script, string? voiceMessageBy, CancellationToken ct)
    {
        var general = community.GetProperty("channels").EnumerateArray()
            .Where(c => c.GetProperty("type").GetString() == "text")
            .OrderBy(c => c.GetProperty("position").GetInt32())
            .First().GetProperty("id").GetString()!;
        var owner = Users.First(u => sessions[u.Username].UserId == community.GetProperty("ownerId").GetString()).Username;
        if ((await GetAsync(owner, $"/api/v1/channels/{general}/messages?limit=1", ct)).GetArrayLength() > 0)
        {
            return 0;
        }

        foreach (var line in script)
        {
            var author = line[..line.IndexOf('|', StringComparison.Ordinal)];
            var content = line[(author.Length + 1)..];
            foreach (var (username, _, _) in Users)
            {
                content = content.Replace("{" + username + "}", sessions[username].UserId, StringComparison.Ordinal);
            }

            await PostAsync(author, $"/api/v1/channels/{general}/messages", new { content }, ct);
        }

        if (voiceMessageBy is null)
        {
            return script.Length;
        }

        using var audio = new ByteArrayContent(DemoTone.Wav(TimeSpan.FromSeconds(2)));
        audio.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        using var upload = await SendAsync(HttpMethod.Post, $"/api/v1/channels/{general}/voice-messages", voiceMessageBy, audio, ct);
        await ReadAsync(upload, ct);
        return script.Length + 1;
    }

    private async Task EnsureFriendsAsync(string a, string b, CancellationToken ct)
    {
        var path = $"/api/v1/users/@me/relationships/{sessions[b].UserId}";
        var current = (await GetAsync(a, "/api/v1/users/@me/relationships", ct)).EnumerateArray()
            .FirstOrDefault(r => r.GetProperty("userId").GetString() == sessions[b].UserId);
        if (current.ValueKind == JsonValueKind.Object && current.GetProperty("type").GetString() == "friend")
        {
            return;
        }

        await PutAsync(a, path, new { type = "friend" }, ct);
        await PutAsync(b, $"/api/v1/users/@me/relationships/{sessions[a].UserId}", new { type = "friend" }, ct);
    }

    private async Task<JsonElement> GetAsync(string user, string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, path, user, null, ct);
        return await ReadAsync(response, ct);
    }

    private async Task<JsonElement> PostAsync(string user, string path, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, path, user, body is null ? null : JsonContent.Create(body), ct);
        return await ReadAsync(response, ct);
    }

    private async Task PutAsync(string user, string path, object body, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, path, user, JsonContent.Create(body), ct);
        await ReadAsync(response, ct);
    }

    /// <summary>Sends once, and again after <c>Retry-After</c> when rate limited (a busy demo server keeps its limits on).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? user, HttpContent? body, CancellationToken ct)
    {
        var payload = body is null ? null : await body.ReadAsByteArrayAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (payload is not null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = body!.Headers.ContentType;
            }

            if (user is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sessions[user].AccessToken);
            }

            var response = await http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= 5)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait + TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Seeding the demo failed: {(int)response.StatusCode} on {response.RequestMessage?.RequestUri?.PathAndQuery}: {text}"));
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed record Session(string UserId, string AccessToken);
}
