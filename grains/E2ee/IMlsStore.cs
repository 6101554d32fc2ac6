namespace Chaos.E2ee;

/// <summary>
/// The MLS handshake messages of e2ee channels (PostgreSQL, or memory standalone). Their seqs are the channel's own, so
/// they never repeat a message's seq; the Channel grain assigns them (docs/architecture.md#end-to-end-encryption).
/// </summary>
public interface IMlsStore
{
    /// <summary>Appends the message; throws <see cref="Messages.DuplicateMessageException"/> when its seq is taken.</summary>
    Task AppendAsync(MlsMessage message, IReadOnlyList<long> recipientDeviceIds, CancellationToken ct);

    /// <summary>The highest MLS seq of the channel, 0 when it has none.</summary>
    Task<long> GetLastSeqAsync(long channelId, CancellationToken ct);

    /// <summary>The channel's current epoch: one past the newest commit's, 0 before the first commit.</summary>
    Task<long> GetEpochAsync(long channelId, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> messages after <paramref name="afterSeq"/>, oldest first; welcomes only when addressed to <paramref name="deviceId"/>.</summary>
    Task<IReadOnlyList<MlsMessage>> PageAsync(long channelId, long afterSeq, long? deviceId, int limit, CancellationToken ct);
}
