using System.Text.Json.Serialization;

namespace Chaos.Api.Voice;

/// <summary>
/// <c>PATCH /communities/{id}/voice-states/{userId}</c>: each field is optional; <c>channelId: null</c> (present and
/// null) disconnects, which an absent <c>channelId</c> does not — hence the setter that records presence.
/// </summary>
public sealed class VoiceStatePatch
{
    private string? channelId;

    public bool? Mute { get; set; }

    public bool? Deaf { get; set; }

    public string? ChannelId
    {
        get => channelId;
        set
        {
            channelId = value;
            ChannelIdGiven = true;
        }
    }

    [JsonIgnore]
    public bool ChannelIdGiven { get; private set; }
}
