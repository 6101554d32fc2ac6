using System.Globalization;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.BareHub;

/// <summary>The hub: a connection joins its rooms' groups; a send numbers the message and broadcasts it to the group.</summary>
internal sealed class BareGatewayHub(BareState state) : Hub
{
    public override async Task OnConnectedAsync()
    {
        var user = state.Authenticate(Context.GetHttpContext()?.Request.Query["access_token"].ToString())
            ?? throw new HubException("unauthorized");
        Context.Items["user"] = user;
        state.Connections.GetOrAdd(user.Id, _ => new()).TryAdd(Context.ConnectionId, true);
        foreach (var room in state.Rooms.Values.Where(r => r.Members.ContainsKey(user.Id)))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, "c:" + room.ChannelId.ToString(CultureInfo.InvariantCulture));
        }

        await Clients.Caller.SendAsync("Ready", new { user = new { id = user.Id.ToString(CultureInfo.InvariantCulture), username = user.Username } });
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items["user"] is BareUser user && state.Connections.TryGetValue(user.Id, out var connections))
        {
            connections.TryRemove(Context.ConnectionId, out _);
        }

        return Task.CompletedTask;
    }

    public async Task<object> SendMessage(string channelId, string content, string? nonce = null)
    {
        var user = (BareUser)Context.Items["user"]!;
        if (!state.RoomsByChannel.TryGetValue(long.Parse(channelId, CultureInfo.InvariantCulture), out var room) || !room.Members.ContainsKey(user.Id))
        {
            throw new HubException("not_found");
        }

        var message = new
        {
            id = state.NextId().ToString(CultureInfo.InvariantCulture),
            channelId,
            seq = room.NextSeq(),
            author = new { id = user.Id.ToString(CultureInfo.InvariantCulture), username = user.Username },
            content,
            nonce,
            createdAt = DateTimeOffset.UtcNow,
        };
        await Clients.Group("c:" + channelId).SendAsync("MessageCreated", message);
        return message;
    }
}
