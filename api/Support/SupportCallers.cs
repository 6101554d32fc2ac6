using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Errors;
using Chaos.Support;

namespace Chaos.Api.Support;

/// <summary>Turns the request's principal into the grains' <see cref="SupportCaller"/>.</summary>
public static class SupportCallers
{
    /// <summary>
    /// A guest for the conversation its token names, else the signed-in user. A guest token used on another
    /// conversation's route is refused here with <c>forbidden</c>, before any grain is asked.
    /// </summary>
    public static SupportCaller For(ClaimsPrincipal principal, long conversationId)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (SupportGuestTokens.ConversationOf(principal) is { } guestOf)
        {
            return guestOf == conversationId
                ? SupportCaller.Guest(guestOf)
                : throw new ChaosException(ErrorCodes.Forbidden, "A guest token opens its own conversation only.");
        }

        return SupportCaller.User(principal.UserId());
    }
}
