using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Chaos.Api.Auth;
using Chaos.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chaos.Tests.Accounts;

/// <summary>
/// Malformed, oversized, unauthorized and hostile requests against the account routes: each gets its documented 4xx
/// problem with a stable code, nothing is half-created, and the server keeps serving.
/// </summary>
[Collection(AccountsServer.Name)]
public sealed class HostileInputTests(ApiFixture fixture)
{
    private const string Register = "/api/v1/auth/register";
    private const string Login = "/api/v1/auth/login";
    private const string Refresh = "/api/v1/auth/refresh";
    private const string Logout = "/api/v1/auth/logout";
    private const string Me = "/api/v1/users/@me";

    private static readonly string Name = "{NAME}";

    private static readonly Dictionary<string, HostileCase> Cases = new HostileCase[]
    {
        new("register: empty object", HttpMethod.Post, Register, Json("{}"), Auth.None, 400, "validation_failed"),
        new("register: missing password", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}"}"""), Auth.None, 400, "validation_failed"),
        new("register: missing username", HttpMethod.Post, Register, Json("""{"password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: extra field", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","isAdmin":true}"""), Auth.None, 400, "validation_failed"),
        new("register: username is a number", HttpMethod.Post, Register, Json("""{"username":12345,"password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: password is an array", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":["a"]}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName is an object", HttpMethod.Post, Register, Json("""{"username":"{NAME}","password":"password-123","displayName":{}}"""), Auth.None, 400, "validation_failed"),
        new("register: JSON null body", HttpMethod.Post, Register, Json("null"), Auth.None, 400, "validation_failed"),
        new("register: empty body", HttpMethod.Post, Register, Json(string.Empty), Auth.None, 400, "validation_failed"),
        new("register: not JSON", HttpMethod.Post, Register, Json("hello there"), Auth.None, 400, "validation_failed"),
        new("register: truncated JSON", HttpMethod.Post, Register, Json("""{"username":"ab"""), Auth.None, 400, "validation_failed"),
        new("register: JSON array", HttpMethod.Post, Register, Json("""["username","password"]"""), Auth.None, 400, "validation_failed"),
        new("register: username too short", HttpMethod.Post, Register, Json("""{"username":"a","password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: username too long", HttpMethod.Post, Register, Json($$"""{"username":"{{new string('a', 33)}}","password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: username empty", HttpMethod.Post, Register, Json("""{"username":"","password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: username with space", HttpMethod.Post, Register, Json("""{"username":"bad name","password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: username with non-ASCII letters", HttpMethod.Post, Register, Json("""{"username":"ünïcødé","password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: username with NUL", HttpMethod.Post, Register, Json("""{"username":"ab\u0000cd","password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: username with SQL", HttpMethod.Post, Register, Json("""{"username":"x'; DROP TABLE orleansstorage;--","password":"password-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: password too short", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"short"}"""), Auth.None, 400, "validation_failed"),
        new("register: password too long", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"{{new string('p', 257)}}"}"""), Auth.None, 400, "validation_failed"),
        new("register: password with control character", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"pass\u0007word-123"}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName too long", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","displayName":"{{new string('d', 65)}}"}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName empty", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","displayName":""}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName only spaces", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","displayName":"    "}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName with bell", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","displayName":"ding\u0007"}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName with newline", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","displayName":"two\nlines"}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName lone surrogate", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","displayName":"bad\ud800x"}"""), Auth.None, 400, "validation_failed"),
        new("register: displayName reversed surrogates", HttpMethod.Post, Register, Json($$"""{"username":"{{Name}}","password":"password-123","displayName":"\udc00\ud800"}"""), Auth.None, 400, "validation_failed"),
        new("register: invalid UTF-8 bytes", HttpMethod.Post, Register, () => Bytes([.. "{\"username\":\""u8, 0xC3, 0x28, 0xFF, .. "\",\"password\":\"password-123\"}"u8]), Auth.None, 400, "validation_failed"),
        new("register: 10 MB body", HttpMethod.Post, Register, () => Json($$"""{"username":"{{Name}}","password":"password-123","displayName":"{{new string('x', 10 * 1024 * 1024)}}"}""")(), Auth.None, 413, "payload_too_large"),
        new("register: text/plain body", HttpMethod.Post, Register, () => new StringContent("""{"username":"abc","password":"password-123"}""", Encoding.UTF8, "text/plain"), Auth.None, 415, "unsupported_media"),
        new("register: nested 200 deep", HttpMethod.Post, Register, Json(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)), Auth.None, 400, "validation_failed"),
        new("login: empty object", HttpMethod.Post, Login, Json("{}"), Auth.None, 400, "validation_failed"),
        new("login: wrong types", HttpMethod.Post, Login, Json("""{"username":true,"password":1}"""), Auth.None, 400, "validation_failed"),
        new("login: overlong username", HttpMethod.Post, Login, Json($$"""{"username":"{{new string('u', 5000)}}","password":"password-123"}"""), Auth.None, 401, "invalid_credentials"),
        new("login: overlong password", HttpMethod.Post, Login, Json($$"""{"username":"someone","password":"{{new string('p', 100_000)}}"}"""), Auth.None, 401, "invalid_credentials"),
        new("refresh: empty object", HttpMethod.Post, Refresh, Json("{}"), Auth.None, 400, "validation_failed"),
        new("refresh: garbage token", HttpMethod.Post, Refresh, Json("""{"refreshToken":"garbage"}"""), Auth.None, 401, "unauthorized"),
        new("refresh: forged token of the right shape", HttpMethod.Post, Refresh, Json("""{"refreshToken":"119303304403484672.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}"""), Auth.None, 401, "unauthorized"),
        new("refresh: huge token", HttpMethod.Post, Refresh, Json($$"""{"refreshToken":"{{new string('a', 20_000)}}"}"""), Auth.None, 401, "unauthorized"),
        new("refresh: token is a number", HttpMethod.Post, Refresh, Json("""{"refreshToken":42}"""), Auth.None, 400, "validation_failed"),
        new("refresh: negative user id", HttpMethod.Post, Refresh, Json("""{"refreshToken":"-5.abc.def"}"""), Auth.None, 401, "unauthorized"),
        new("logout: empty object", HttpMethod.Post, Logout, Json("{}"), Auth.None, 400, "validation_failed"),
        new("me: no token", HttpMethod.Get, Me, null, Auth.None, 401, "unauthorized"),
        new("me: garbage bearer", HttpMethod.Get, Me, null, Auth.Garbage, 401, "unauthorized"),
        new("me: expired token", HttpMethod.Get, Me, null, Auth.Expired, 401, "unauthorized"),
        new("me: token signed with another key", HttpMethod.Get, Me, null, Auth.Forged, 401, "unauthorized"),
        new("me: unsigned alg=none token", HttpMethod.Get, Me, null, Auth.Unsigned, 401, "unauthorized"),
        new("me: token for a wrong audience", HttpMethod.Get, Me, null, Auth.WrongAudience, 401, "unauthorized"),
        new("patch me: displayName too long", HttpMethod.Patch, Me, Json($$"""{"displayName":"{{new string('d', 65)}}"}"""), Auth.Valid, 400, "validation_failed"),
        new("patch me: statusMessage too long", HttpMethod.Patch, Me, Json($$"""{"statusMessage":"{{new string('s', 129)}}"}"""), Auth.Valid, 400, "validation_failed"),
        new("patch me: statusMessage with escape character", HttpMethod.Patch, Me, Json("""{"statusMessage":"\u001b[31mred"}"""), Auth.Valid, 400, "validation_failed"),
        new("patch me: extra field", HttpMethod.Patch, Me, Json("""{"username":"takeover"}"""), Auth.Valid, 400, "validation_failed"),
        new("patch me: no token", HttpMethod.Patch, Me, Json("""{"displayName":"x"}"""), Auth.None, 401, "unauthorized"),
        new("user: non-numeric id", HttpMethod.Get, "/api/v1/users/abc", null, Auth.Valid, 400, "validation_failed"),
        new("user: negative id", HttpMethod.Get, "/api/v1/users/-5", null, Auth.Valid, 400, "validation_failed"),
        new("user: overflowing id", HttpMethod.Get, "/api/v1/users/99999999999999999999", null, Auth.Valid, 400, "validation_failed"),
        new("unknown route", HttpMethod.Get, "/api/v1/nothing-here", null, Auth.Valid, 404, "not_found"),
        new("wrong method", HttpMethod.Delete, Login, null, Auth.None, 405, "method_not_allowed"),
    }.ToDictionary(c => c.Name);

    public enum Auth
    {
        None,
        Valid,
        Garbage,
        Expired,
        Forged,
        Unsigned,
        WrongAudience,
    }

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Fact]
    public void ThereAreAtLeastFortyHostileCases() => Cases.Count.ShouldBeGreaterThanOrEqualTo(40);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task HostileRequest_GetsItsDocumentedProblem_AndCreatesNothing(string caseName)
    {
        var hostile = Cases[caseName];
        var username = TestUser.UniqueName("h");
        using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
        if (hostile.Body is not null)
        {
            var content = hostile.Body();
            if (content is StringContent && hostile.Path == Register)
            {
                var text = await content.ReadAsStringAsync();
                var mediaType = content.Headers.ContentType;
                content = new StringContent(text.Replace(Name, username, StringComparison.Ordinal), Encoding.UTF8);
                content.Headers.ContentType = mediaType;
            }

            request.Content = content;

            // Lets the server refuse an oversized body before it is sent, as a careful client would.
            request.Headers.ExpectContinue = true;
        }

        request.Headers.Authorization = await AuthorizationAsync(hostile.Auth);
        var response = await fixture.Server.Http.SendAsync(request);
        await Problem.ExpectAsync(response, hostile.Status, hostile.Code);

        // Nothing half-created: the name a failed registration carried is still free.
        if (hostile.Path == Register)
        {
            var retry = await fixture.Server.Http.PostAsJsonAsync(Register, new { username, password = "password-123" });
            retry.StatusCode.ShouldBe(HttpStatusCode.Created, await retry.Content.ReadAsStringAsync());
        }

        (await fixture.Server.Http.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefreshToken_OfAnotherUser_CannotBeSplicedOntoMyId()
    {
        var victim = await fixture.Server.RegisterAsync();
        var attacker = await fixture.Server.RegisterAsync();
        var victimParts = victim.RefreshToken.Split('.');
        var spliced = $"{attacker.Id}.{victimParts[1]}.{victimParts[2]}";
        await Problem.ExpectAsync(await fixture.Server.Http.PostAsJsonAsync(Refresh, new { refreshToken = spliced }), 401, "unauthorized");
        // The victim's login is untouched by the attempt.
        (await fixture.Server.Http.PostAsJsonAsync(Refresh, new { refreshToken = victim.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static Func<HttpContent> Json(string text) => () => new StringContent(text, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(Auth auth)
    {
        var settings = fixture.Server.Services.GetRequiredService<JwtSettings>();
        string Token(SecurityKey key, DateTime expires, string audience, string? algorithm = SecurityAlgorithms.HmacSha256) =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = JwtSettings.Issuer,
                Audience = audience,
                IssuedAt = expires.AddMinutes(-15),
                NotBefore = expires.AddMinutes(-15),
                Expires = expires,
                Subject = new ClaimsIdentity([new Claim("sub", "119303304403484672")]),
                SigningCredentials = algorithm is null ? null : new SigningCredentials(key, algorithm),
            });

        return auth switch
        {
            Auth.None => null,
            Auth.Valid => new AuthenticationHeaderValue("Bearer", (await fixture.Server.RegisterAsync()).AccessToken),
            Auth.Garbage => new AuthenticationHeaderValue("Bearer", "not.a.jwt"),
            Auth.Expired => new AuthenticationHeaderValue("Bearer", Token(settings.SigningKey, DateTime.UtcNow.AddMinutes(-5), JwtSettings.Audience)),
            Auth.Forged => new AuthenticationHeaderValue("Bearer", Token(new SymmetricSecurityKey(new byte[64]), DateTime.UtcNow.AddMinutes(10), JwtSettings.Audience)),
            Auth.Unsigned => new AuthenticationHeaderValue("Bearer", Token(settings.SigningKey, DateTime.UtcNow.AddMinutes(10), JwtSettings.Audience, algorithm: null)),
            Auth.WrongAudience => new AuthenticationHeaderValue("Bearer", Token(settings.SigningKey, DateTime.UtcNow.AddMinutes(10), "someone-else")),
            _ => throw new ArgumentOutOfRangeException(nameof(auth)),
        };
    }

    /// <summary>One hostile request and the problem docs/api.md#errors promises for it.</summary>
    public sealed record HostileCase(string Name, HttpMethod Method, string Path, Func<HttpContent>? Body, Auth Auth, int Status, string Code);
}
