using Chaos.Messages;

namespace Chaos.Communities;

/// <summary>
/// What a Channel grain remembers of the nonces sent to it within the nonce window, in bounded memory
/// (docs/architecture.md#sends-and-nonces). The newest <c>maxMessages</c> nonces keep their message, so a retry is
/// answered without storage; every nonce of the window keeps a 4-byte fingerprint (up to <c>maxFingerprints</c>), so a
/// nonce that was never sent is known to be new without asking storage. Storage is asked only when the memory cannot
/// tell: a fingerprint matches a nonce whose message was let go (or a fingerprint collision), or the memory does not
/// cover the whole window (a new activation of a busy channel; more sends in one window than fingerprints).
/// </summary>
internal sealed class NonceMemory(TimeSpan window, int maxMessages, int maxFingerprints)
{
    private readonly Dictionary<(long Author, string Nonce), StoredMessage> messages = [];
    private readonly Queue<(long Author, string Nonce)> messageOrder = new();
    private readonly Dictionary<int, int> fingerprints = [];
    private readonly Queue<(int Fingerprint, long AtTicks)> fingerprintOrder = new();

    /// <summary>Every nonce sent at or after this moment is remembered (by message or fingerprint).</summary>
    private DateTimeOffset coveredSince;

    /// <summary>Nonces whose message is kept.</summary>
    public int MessageCount => messages.Count;

    /// <summary>Nonces whose fingerprint is kept.</summary>
    public int FingerprintCount => fingerprintOrder.Count;

    /// <summary>
    /// Declares that nonces sent before <paramref name="since"/> may be unknown (an activation that did not load a whole
    /// window); <see cref="DateTimeOffset.MinValue"/> when nothing was sent before the memory began.
    /// </summary>
    public void CoverSince(DateTimeOffset since) => coveredSince = since;

    /// <summary>Remembers a sent (or found) message's nonce; messages without a nonce are ignored.</summary>
    public void Remember(StoredMessage message)
    {
        if (message.Nonce is not { } nonce)
        {
            return;
        }

        var key = (message.AuthorId, nonce);
        if (!messages.ContainsKey(key))
        {
            messageOrder.Enqueue(key);
            while (messageOrder.Count > maxMessages)
            {
                // The fingerprint stays: a retry of this nonce is then looked up in storage.
                messages.Remove(messageOrder.Dequeue());
            }

            var fingerprint = Fingerprint(message.AuthorId, nonce);
            fingerprints[fingerprint] = fingerprints.GetValueOrDefault(fingerprint) + 1;
            fingerprintOrder.Enqueue((fingerprint, message.CreatedAt.UtcTicks));
            while (fingerprintOrder.Count > maxFingerprints)
            {
                var (dropped, at) = fingerprintOrder.Dequeue();
                Release(dropped);
                if (at >= coveredSince.UtcTicks)
                {
                    coveredSince = new DateTimeOffset(at + 1, TimeSpan.Zero);
                }
            }
        }

        messages[key] = message;
    }

    /// <summary>
    /// Answers <see cref="NonceAnswer.Sent"/> with the message, <see cref="NonceAnswer.New"/> when the nonce was surely not
    /// sent within the window, or <see cref="NonceAnswer.AskStorage"/>.
    /// </summary>
    public NonceAnswer Find(long authorId, string nonce, DateTimeOffset now, out StoredMessage? message)
    {
        Expire(now);
        if (messages.TryGetValue((authorId, nonce), out var known) && now - known.CreatedAt <= window)
        {
            message = known;
            return NonceAnswer.Sent;
        }

        message = null;
        if (fingerprints.ContainsKey(Fingerprint(authorId, nonce)))
        {
            return NonceAnswer.AskStorage;
        }

        return now - window >= coveredSince ? NonceAnswer.New : NonceAnswer.AskStorage;
    }

    /// <summary>Forgets fingerprints older than the window (their nonces may be reused).</summary>
    private void Expire(DateTimeOffset now)
    {
        var cutoff = (now - window).UtcTicks;
        while (fingerprintOrder.TryPeek(out var oldest) && oldest.AtTicks < cutoff)
        {
            fingerprintOrder.Dequeue();
            Release(oldest.Fingerprint);
        }
    }

    private void Release(int fingerprint)
    {
        if (fingerprints[fingerprint] == 1)
        {
            fingerprints.Remove(fingerprint);
        }
        else
        {
            fingerprints[fingerprint]--;
        }
    }

    /// <summary>Stable within the process; a collision only costs a storage lookup.</summary>
    private static int Fingerprint(long authorId, string nonce) => HashCode.Combine(authorId, string.GetHashCode(nonce, StringComparison.Ordinal));
}
