using Chaos.Messages;

namespace Chaos.Tests.Messages;

/// <summary>
/// A fresh channel per test, with the channel grain's numbering: seq from 1 without gaps, ids that grow with seq
/// (spaced, so keyset-on-id is never accidentally keyset-on-seq).
/// </summary>
public sealed class TestChannel
{
    private static long lastChannelId = Random.Shared.NextInt64(1L << 40, 1L << 50);
    private long lastSeq;

    public TestChannel(long firstSeq = 1)
    {
        Id = Interlocked.Add(ref lastChannelId, 1000);
        lastSeq = firstSeq - 1;
    }

    /// <summary>A time with microsecond precision, which is what timestamptz keeps.</summary>
    public static DateTimeOffset BaseTime { get; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public long Id { get; }

    public long LastSeq => Interlocked.Read(ref lastSeq);

    public long IdFor(long seq) => (Id << 12) + (seq * 7);

    public StoredMessage Next(long authorId = 42, string? content = null, string? nonce = null, IReadOnlyList<long>? mentions = null) =>
        Make(Interlocked.Increment(ref lastSeq), authorId, content, nonce, mentions);

    public StoredMessage Make(long seq, long authorId = 42, string? content = null, string? nonce = null, IReadOnlyList<long>? mentions = null) => new(
        Id: IdFor(seq),
        ChannelId: Id,
        Seq: seq,
        AuthorId: authorId,
        Content: content ?? $"message {seq} in {Id}",
        CreatedAt: BaseTime.AddMilliseconds(seq),
        EditedAt: null,
        ReplyToId: null,
        Nonce: nonce,
        Mentions: mentions ?? [],
        Flags: 0,
        Deleted: false);

    public List<StoredMessage> NextMany(int count) => [.. Enumerable.Range(0, count).Select(_ => Next())];
}
