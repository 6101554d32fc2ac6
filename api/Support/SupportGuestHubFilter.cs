using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Support;

/// <summary>Runs before every hub method: a guest token's connection may call none of them (<c>forbidden</c>).</summary>
public sealed class SupportGuestHubFilter : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (SupportGuestTokens.ConversationOf(invocationContext.Context.User) is not null)
        {
            throw new HubException("forbidden: a guest token only receives its conversation's events.");
        }

        return next(invocationContext);
    }
}
