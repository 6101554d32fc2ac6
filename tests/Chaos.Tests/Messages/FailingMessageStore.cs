using Chaos.Messages;

namespace Chaos.Tests.Messages;

/// <summary>
/// A store whose appends and nonce lookups always fail the way an unreachable database does; with <paramref name="bug"/>,
/// an append of a message whose content is "bug" fails with that instead.
/// </summary>
public sealed class FailingMessageStore(Exception failure, Exception? bug = null) : IMessageStore
{
    private int calls;

    public int Calls => Volatile.Read(ref calls);

    public Task AppendAsync(IReadOnlyList<StoredMessage> batch, CancellationToken ct)
    {
        Interlocked.Increment(ref calls);
        return Task.FromException(bug is not null && batch.Any(m => m.Content == "bug") ? bug : failure);
    }

    public Task<StoredMessage?> GetAsync(long channelId, long messageId, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<StoredMessage>> PageAsync(long channelId, long? before, long? after, int limit, CancellationToken ct) => throw new NotSupportedException();

    public Task<StoredMessage?> UpdateContentAsync(long channelId, long messageId, string content, IReadOnlyList<long> mentions, DateTimeOffset editedAt, CancellationToken ct) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(long channelId, long messageId, CancellationToken ct) => throw new NotSupportedException();

    public Task<int> CountMentionsAsync(long channelId, long userId, long afterSeq, int limit, CancellationToken ct) => Task.FromResult(0);

    public Task<long> GetLastSeqAsync(long channelId, CancellationToken ct) => Task.FromResult(0L);

    public Task<StoredMessage?> FindByNonceAsync(long channelId, long authorId, string nonce, DateTimeOffset notBefore, CancellationToken ct) => Task.FromException<StoredMessage?>(failure);

    public Task<IReadOnlyList<StoredMessage>> FindByNoncesAsync(long channelId, IReadOnlyCollection<(long AuthorId, string Nonce)> keys, DateTimeOffset notBefore, CancellationToken ct) => Task.FromException<IReadOnlyList<StoredMessage>>(failure);

    public Task<IReadOnlyList<StoredMessage>> GetRecentAsync(long channelId, int count, CancellationToken ct) => Task.FromResult<IReadOnlyList<StoredMessage>>([]);

    public Task<IReadOnlyList<StoredMessage>> GetAfterSeqAsync(long channelId, long afterSeq, int limit, CancellationToken ct) => throw new NotSupportedException();

    public Task<StoredMessage?> SetFlagAsync(long channelId, long messageId, int flag, bool on, CancellationToken ct) => throw new NotSupportedException();

    public Task<StoredMessage?> SetAttachmentsAsync(long channelId, long messageId, IReadOnlyList<Attachment> attachments, CancellationToken ct) => throw new NotSupportedException();
}
