using System.Globalization;
using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Ids;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chaos.Api.Support;

/// <summary>
/// Guest tokens (docs/api.md#support-desk): JWTs signed with the access-token key but for their own audience, so the
/// ordinary bearer scheme refuses them everywhere; only routes and the gateway that name <see cref="Scheme"/> accept them,
/// and they carry one conversation id and no user.
/// </summary>
public sealed class SupportGuestTokens(JwtSettings settings, IOptions<Chaos.Support.SupportOptions> options, TimeProvider time)
{
    public const string Scheme = "SupportGuest";
    public const string Audience = "chaos-support-guest";
    public const string ConversationClaim = "support_conversation";
    public const string CommunityClaim = "support_community";

    private readonly JsonWebTokenHandler handler = new();
    private readonly SigningCredentials credentials = new(settings.SigningKey, SecurityAlgorithms.HmacSha256);

    public string Issue(long communityId, long conversationId)
    {
        var now = time.GetUtcNow();
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtSettings.Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + TimeSpan.FromMinutes(options.Value.GuestTokenMinutes)).UtcDateTime,
            SigningCredentials = credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(ConversationClaim, conversationId.ToString(CultureInfo.InvariantCulture)),
                new Claim(CommunityClaim, communityId.ToString(CultureInfo.InvariantCulture)),
            ]),
        });
    }

    /// <summary>The conversation a guest principal is for; null for anyone else (users, anonymous).</summary>
    public static long? ConversationOf(ClaimsPrincipal? principal) =>
        principal?.FindFirst("sub") is null && Snowflake.TryParse(principal?.FindFirstValue(ConversationClaim), out var id) ? id : null;

    public static long? CommunityOf(ClaimsPrincipal? principal) =>
        ConversationOf(principal) is not null && Snowflake.TryParse(principal!.FindFirstValue(CommunityClaim), out var id) ? id : null;
}
