using System.Text.Json.Serialization;
using Chaos.Messages;

namespace Chaos.E2ee;

/// <summary>The answer to <c>POST /channels/{id}/mls</c>: the seq the message took and the channel's epoch after it.</summary>
[GenerateSerializer, Immutable, Alias("chaos.MlsPosted")]
public sealed record MlsPosted(
    [property: Id(0), JsonConverter(typeof(SequenceNumberConverter))] long Seq,
    [property: Id(1), JsonConverter(typeof(SequenceNumberConverter))] long Epoch);
