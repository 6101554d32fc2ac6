using System.Text.Json.Nodes;
using Chaos.Client.Voice;

namespace Chaos.Client;

public sealed partial class ChaosClient
{
    public Task<IReadOnlyList<VoiceState>> GetVoiceStatesAsync(string channelId, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<VoiceState>>(HttpMethod.Get, $"channels/{Id(channelId)}/voice-states", null, cancellation);

    /// <summary>Server mute/deafen (MuteMembers, DeafenMembers) or a move to another voice channel (MoveMembers).</summary>
    public Task<VoiceState> ModerateVoiceAsync(string communityId, string userId, bool? mute = null, bool? deaf = null, string? moveToChannelId = null, CancellationToken cancellation = default)
    {
        var body = new JsonObject();
        if (mute is { } m)
        {
            body["mute"] = m;
        }

        if (deaf is { } d)
        {
            body["deaf"] = d;
        }

        if (moveToChannelId is not null)
        {
            body["channelId"] = moveToChannelId;
        }

        return SendAsync<VoiceState>(HttpMethod.Patch, $"communities/{Id(communityId)}/voice-states/{Id(userId)}", body, cancellation);
    }

    /// <summary>Disconnects a member from voice (<c>channelId: null</c>, MoveMembers).</summary>
    public Task DisconnectFromVoiceAsync(string communityId, string userId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Patch, $"communities/{Id(communityId)}/voice-states/{Id(userId)}", new JsonObject { ["channelId"] = null }, cancellation);
}
