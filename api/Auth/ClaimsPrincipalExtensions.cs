using System.Security.Claims;
using Chaos.Errors;
using Chaos.Ids;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chaos.Api.Auth;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The authenticated user's id; routes that call this require authorization, so absence is a bug.</summary>
    public static long UserId(this ClaimsPrincipal principal) =>
        Snowflake.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id)
            ? id
            : throw new ChaosException(ErrorCodes.Unauthorized, "The access token names no user.");
}
