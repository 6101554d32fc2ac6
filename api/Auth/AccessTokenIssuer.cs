using System.Security.Claims;
using Chaos.Accounts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chaos.Api.Auth;

/// <summary>Short-lived HMAC-SHA256 JWT access tokens (docs/api.md#authentication). They are not revoked one by one.</summary>
public sealed class AccessTokenIssuer(JwtSettings settings, TimeProvider time)
{
    private readonly JsonWebTokenHandler handler = new();
    private readonly SigningCredentials credentials = new(settings.SigningKey, SecurityAlgorithms.HmacSha256);

    public (string Token, DateTimeOffset ExpiresAt) Issue(UserProfile user, string sessionId)
    {
        var now = time.GetUtcNow();
        var expires = now + settings.AccessTokenLifetime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtSettings.Issuer,
            Audience = JwtSettings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.PreferredUsername, user.Username),
                new Claim(JwtRegisteredClaimNames.Sid, sessionId),
            ]),
        });
        return (token, expires);
    }
}
