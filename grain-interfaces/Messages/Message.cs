using Chaos.Accounts;

namespace Chaos.Messages;

/// <summary>The Message object (docs/api.md#message), exactly as clients receive it over REST and the gateway.</summary>
[GenerateSerializer, Immutable, Alias("chaos.Message")]
public sealed record Message(
    [property: Id(0)] long Id,
    [property: Id(1)] long ChannelId,
    [property: Id(2), System.Text.Json.Serialization.JsonConverter(typeof(SequenceNumberConverter))] long Seq,
    [property: Id(3)] PublicUser Author,
    [property: Id(4)] string Content,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? EditedAt,
    [property: Id(7)] long? ReplyToId,
    [property: Id(8)] string? Nonce,
    [property: Id(9)] IReadOnlyList<Attachment> Attachments,
    [property: Id(10)] IReadOnlyList<long> Mentions,
    [property: Id(11)] int Flags)
{
    /// <summary>Reactions in the order their emoji was first used; <c>me</c> is from the reader's point of view (docs/api.md#reactions).</summary>
    [Id(12)]
    public IReadOnlyList<Reaction> Reactions { get; init; } = [];

    [Id(13)]
    public bool Pinned { get; init; }

    /// <summary>End-to-end encrypted channels only: the MLS application message (base64 in JSON); <see cref="Content"/> is then empty.</summary>
    [Id(14), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Ciphertext { get; init; }
}
