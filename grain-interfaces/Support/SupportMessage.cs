using System.Text.Json.Serialization;

namespace Chaos.Support;

/// <summary>A Message of a conversation's <c>support</c> channel: the Message fields a support chat uses, with a <see cref="SupportAuthor"/>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportMessage")]
public sealed record SupportMessage(
    [property: Id(0)] long Id,
    [property: Id(1)] long ChannelId,
    [property: Id(2), JsonConverter(typeof(Messages.SequenceNumberConverter))] long Seq,
    [property: Id(3)] SupportAuthor Author,
    [property: Id(4)] string Content,
    [property: Id(5)] DateTimeOffset CreatedAt)
{
    [Id(6)]
    public DateTimeOffset? EditedAt { get; init; }

    [Id(7)]
    public IReadOnlyList<long> Mentions { get; init; } = [];

    [Id(8)]
    public int Flags { get; init; }
}
