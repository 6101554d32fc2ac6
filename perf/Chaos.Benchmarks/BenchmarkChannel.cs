using Chaos.Messages;

namespace Chaos.Benchmarks;

/// <summary>
/// A channel of its own for a benchmark: gapless seqs from 1 and ids that grow with them, as the channel grain numbers.
/// </summary>
public sealed class BenchmarkChannel
{
    private static long lastChannelId = Random.Shared.NextInt64(1L << 40, 1L << 50);
    private long lastSeq;

    public long Id { get; } = Interlocked.Add(ref lastChannelId, 1000);

    public StoredMessage Next()
    {
        var seq = Interlocked.Increment(ref lastSeq);
        return new StoredMessage(
            Id: (Id << 12) + (seq * 7),
            ChannelId: Id,
            Seq: seq,
            AuthorId: 42,
            Content: $"message {seq} in {Id}",
            CreatedAt: DateTimeOffset.UtcNow,
            EditedAt: null,
            ReplyToId: null,
            Nonce: null,
            Mentions: [],
            Flags: 0,
            Deleted: false);
    }

    public List<StoredMessage> NextMany(int count) => [.. Enumerable.Range(0, count).Select(_ => Next())];
}
