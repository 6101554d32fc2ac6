using Chaos.Api.Auth;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Presence;

/// <summary>Every hub call is activity: it ends an idle <c>away</c>.</summary>
public sealed class PresenceActivityFilter(PresenceTracker tracker) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.Context.User?.FindFirst("sub") is not null)
        {
            tracker.Touch(invocationContext.Context.User.UserId());
        }

        return next(invocationContext);
    }
}
