using System.Text.Json.Serialization;
using Chaos.Messages;

namespace Chaos.E2ee;

/// <summary>
/// One MLS handshake message as the channel ordered it (the gateway event <c>MlsMessage</c> and an item of
/// <c>GET /channels/{id}/mls</c>). <see cref="Seq"/> is taken from the channel's message sequence, so commits,
/// proposals, welcomes and encrypted messages share one total order (docs/api.md#end-to-end-encryption).
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.MlsMessage")]
public sealed record MlsMessage(
    [property: Id(0)] long ChannelId,
    [property: Id(1), JsonConverter(typeof(SequenceNumberConverter))] long Seq,
    [property: Id(2)] MlsKind Kind,
    [property: Id(3), JsonConverter(typeof(SequenceNumberConverter))] long Epoch,
    [property: Id(4)] long SenderUserId,
    [property: Id(5)] long SenderDeviceId,
    [property: Id(6)] byte[] Payload,
    [property: Id(7)] DateTimeOffset CreatedAt);
