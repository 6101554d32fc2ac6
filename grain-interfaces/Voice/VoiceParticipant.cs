namespace Chaos.Voice;

/// <summary>A participant as a front door knows it: the voice state, and the gateway connection that joined.</summary>
[GenerateSerializer, Immutable, Alias("chaos.VoiceParticipant")]
public sealed record VoiceParticipant(
    [property: Id(0)] VoiceState State,
    [property: Id(1)] string ConnectionId,
    [property: Id(2)] string FrontDoorId);
