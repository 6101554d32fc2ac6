using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Chaos.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Admin;

/// <summary>
/// HTTP Basic logins for the administration pages: any user name, the password <see cref="AdminOptions.Token"/>
/// (compared in constant time). Only the admin policy uses this scheme; its challenge asks browsers for credentials.
/// </summary>
public sealed class AdminBasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AdminOptions> admin) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ChaosAdminBasic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (admin.Value.Token is not { Length: > 0 } token
            || !AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        }

        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        var password = colon < 0 ? string.Empty : credentials[(colon + 1)..];
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong administrator password."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, colon < 0 ? "admin" : credentials[..colon]), new Claim(AdminAuthorization.AdminClaim, "token")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (admin.Value.Token is { Length: > 0 })
        {
            Response.Headers.WWWAuthenticate = "Basic realm=\"CHAOS administration\", charset=\"UTF-8\"";
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
