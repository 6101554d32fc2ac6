using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Presence;
using Chaos.Presence;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>Presence on the gateway: set your own, and start/stop viewing a community's member list.</summary>
public sealed partial class GatewayHub
{
    public Task<UserPresence> SetPresence(string status, string? statusMessage = null)
    {
        var parsed = PresenceParsing.ParseStatus(status, statusMessage);
        return grains.GetGrain<IPresenceGrain>(Context.User!.UserId()).SetAsync(parsed, statusMessage);
    }

    /// <summary>
    /// Presence of a community's members (the first page, <see cref="PresenceOptions.MaxViewedMembers"/>) flows to this
    /// connection until it stops viewing or views another community; returns those who are not offline.
    /// </summary>
    public Task<IReadOnlyList<UserPresence>> StartViewingMembers(string communityId)
    {
        var id = RouteIds.Parse(communityId, "communityId");
        return presence.StartViewingMembersAsync(Context.ConnectionId, Context.User!.UserId(), id);
    }

    public Task StopViewingMembers(string communityId)
    {
        var id = RouteIds.Parse(communityId, "communityId");
        return presence.StopViewingMembersAsync(Context.ConnectionId, id);
    }
}
