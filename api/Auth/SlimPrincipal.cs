using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chaos.Api.Auth;

/// <summary>
/// The principal a validated access token leaves behind: only the claims CHAOS reads, in a plain identity. The one the
/// token handler builds keeps the parsed token and every registered claim (issuer, audience, times) with their
/// properties, and a gateway connection holds its principal for its whole life — 3 claims instead of 16 and no token
/// per connection (docs/architecture.md#token-schemes).
/// </summary>
public static class SlimPrincipal
{
    private static readonly HashSet<string> Kept =
        [JwtRegisteredClaimNames.Sub, JwtRegisteredClaimNames.PreferredUsername, JwtRegisteredClaimNames.Sid];

    public static ClaimsPrincipal From(ClaimsPrincipal validated, string scheme, string nameClaimType)
    {
        ArgumentNullException.ThrowIfNull(validated);
        var claims = validated.Claims.Where(c => Kept.Contains(c.Type)).Select(c => new Claim(c.Type, c.Value));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, nameClaimType, roleType: null));
    }
}
