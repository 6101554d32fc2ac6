using Chaos.Api.Auth;
using Chaos.Api.Errors;

namespace Chaos.Api.Gateway;

/// <summary>The support desk's hub methods (docs/api.md#support-desk): agents watch a desk's conversations live.</summary>
public sealed partial class GatewayHub
{
    /// <summary>Users sign in with the default bearer scheme; a support guest with its own (docs/api.md#support-desk).</summary>
    private const string GatewaySchemes = "Bearer," + Support.SupportGuestTokens.Scheme;

    /// <summary>From now on this connection receives every conversation event of the desk (HandleSupport).</summary>
    public Task WatchSupportDesk(string communityId) =>
        support.WatchAsync(Context.ConnectionId, Context.User!.UserId(), RouteIds.Parse(communityId, "communityId"));

    public Task UnwatchSupportDesk(string communityId) =>
        support.UnwatchAsync(Context.ConnectionId, RouteIds.Parse(communityId, "communityId"));
}
