using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chaos.Client.Accounts;
using Chaos.Client.Errors;
using Chaos.Client.Http;
using Chaos.Client.Json;

namespace Chaos.Client;

/// <summary>
/// The typed REST client for docs/api.md#rest-routes. Thread-safe; one instance per logged-in user. It keeps the session's tokens and,
/// when an access token expires, refreshes once (rotating the pair) and repeats the request: callers never see that 401.
/// Refusals surface as <see cref="ChaosApiException"/>.
/// </summary>
public sealed partial class ChaosClient : IDisposable
{
    private readonly HttpClient http;

    public ChaosClient(Uri baseAddress)
        : this(new ChaosClientOptions { BaseAddress = baseAddress })
    {
    }

    public ChaosClient(ChaosClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = options.BaseAddress.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");
        BaseAddress = root;
        http = options.Handler is null
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
            : new HttpClient(options.Handler, disposeHandler: false);
        http.BaseAddress = new Uri(root, "api/v1/");
        http.Timeout = options.RequestTimeout;
        Tokens = new TokenManager(RefreshCoreAsync, options.RefreshAhead);
        Tokens.Rotated += tokens => TokensRotated?.Invoke(tokens);
    }

    /// <summary>Raised after every login, register and refresh with the new pair, e.g. to persist it.</summary>
    public event Action<SessionTokens>? TokensRotated;

    public Uri BaseAddress { get; }

    /// <summary>The current token pair, or null before login.</summary>
    public SessionTokens? Session => Tokens.Current;

    /// <summary>The logged-in user's id, or null before login (and after <see cref="UseSession"/> until <see cref="GetMeAsync"/>).</summary>
    public string? UserId { get; private set; }

    internal TokenManager Tokens { get; }

    /// <summary>Resumes a saved session; the next request refreshes it if the access token has expired.</summary>
    public void UseSession(SessionTokens tokens) => Tokens.Set(tokens);

    /// <summary>An access token valid for at least the refresh margin (refreshing first if needed), for callers that open their own connections.</summary>
    public Task<string?> GetAccessTokenAsync(CancellationToken cancellation = default) => Tokens.GetAccessTokenAsync(cancellation);

    public void Dispose() => http.Dispose();

    internal static string Id(string id) => Uri.EscapeDataString(id);

    internal static string Query(string path, params (string Name, object? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(text));
            separator = '&';
        }

        return builder.ToString();
    }

    internal async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellation, bool authenticated = true)
    {
        using var response = await SendCoreAsync(method, path, () => Json(body), authenticated, cancellation);
        return await response.Content.ReadFromJsonAsync<T>(ChaosJson.Options, cancellation)
            ?? throw new ChaosApiException(response.StatusCode, ErrorCodes.Unknown, "The response had no body.");
    }

    internal async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellation, bool authenticated = true)
    {
        using var response = await SendCoreAsync(method, path, () => Json(body), authenticated, cancellation);
    }

    internal async Task<T> SendContentAsync<T>(HttpMethod method, string path, Func<HttpContent> content, CancellationToken cancellation)
    {
        using var response = await SendCoreAsync(method, path, content, authenticated: true, cancellation);
        return await response.Content.ReadFromJsonAsync<T>(ChaosJson.Options, cancellation)
            ?? throw new ChaosApiException(response.StatusCode, ErrorCodes.Unknown, "The response had no body.");
    }

    internal async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, Func<HttpContent?> content, bool authenticated, CancellationToken cancellation)
    {
        var token = authenticated ? await Tokens.GetAccessTokenAsync(cancellation) : null;
        var response = await http.SendAsync(Build(method, path, content(), token), HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null)
        {
            // Expired (or signed by a key that rotated): refresh once, shared with every concurrent caller, and repeat.
            response.Dispose();
            var rotated = await Tokens.RefreshAsync(token, cancellation);
            response = await http.SendAsync(Build(method, path, content(), rotated?.AccessToken), HttpCompletionOption.ResponseHeadersRead, cancellation);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ReadProblemAsync(response, cancellation);
            }
        }

        return response;
    }

    internal void Remember(AuthResult result)
    {
        UserId = result.User.Id;
        Tokens.Set(new SessionTokens(result.AccessToken, result.RefreshToken, result.ExpiresAt));
    }

    private static HttpRequestMessage Build(HttpMethod method, string path, HttpContent? content, string? token)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static JsonContent? Json(object? body) => body is null ? null : JsonContent.Create(body, body.GetType(), options: ChaosJson.Options);

    private async Task<AuthResult> RefreshCoreAsync(string refreshToken, CancellationToken cancellation)
    {
        var result = await SendAsync<AuthResult>(HttpMethod.Post, "auth/refresh", new { refreshToken }, cancellation, authenticated: false);
        UserId = result.User.Id;
        return result;
    }

    private static async Task<ChaosApiException> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var retryAfter = response.Headers.RetryAfter?.Delta;
        var text = await response.Content.ReadAsStringAsync(cancellation);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var code = Text(root, "code") ?? ErrorCodes.Unknown;
            var detail = Text(root, "detail") ?? Text(root, "title");
            Dictionary<string, string[]>? errors = null;
            if (root.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                errors = [];
                foreach (var field in fields.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? [.. field.Value.EnumerateArray().Select(e => e.ToString())]
                        : [field.Value.ToString()];
                }
            }

            return new ChaosApiException(response.StatusCode, code, detail, Text(root, "permission"), errors, retryAfter);
        }
        catch (JsonException)
        {
            return new ChaosApiException(response.StatusCode, ErrorCodes.Unknown, text.Length > 200 ? text[..200] : text, retryAfter: retryAfter);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
