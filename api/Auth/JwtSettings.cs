using Microsoft.IdentityModel.Tokens;

namespace Chaos.Api.Auth;

/// <summary>The resolved signing key and token lifetime (<c>Chaos:Jwt</c>).</summary>
public sealed record JwtSettings(SymmetricSecurityKey SigningKey, TimeSpan AccessTokenLifetime, string KeySource)
{
    public const string Issuer = "chaos";
    public const string Audience = "chaos";
}
