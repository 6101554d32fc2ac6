using Chaos.Messages;

namespace Chaos.Communities;

/// <summary>
/// Nonce lookups in storage, coalesced. For a whole nonce window after activation the grain cannot tell a new nonce from
/// one sent before it activated, so each send with a nonce asks storage. Sends interleave, so under load hundreds of
/// lookups would each take a database connection at once (measured: a two-process cluster at 500 sends/s into one fresh
/// channel exhausted PostgreSQL's 100 connections). Instead at most one lookup query per channel is in flight; the
/// lookups that arrive meanwhile go together in the next one (docs/architecture.md#sends-and-nonces).
/// </summary>
internal sealed partial class ChannelGrain
{
    /// <summary>Pairs asked for in one query at most.</summary>
    private const int MaxNonceLookupBatch = 512;

    private readonly Dictionary<(long Author, string Nonce), TaskCompletionSource<StoredMessage?>> nonceLookups = [];
    private bool lookingUpNonces;

    /// <summary>The newest stored message of this author with this nonce within the nonce window, or null.</summary>
    private Task<StoredMessage?> LookUpStoredNonceAsync(long authorId, string nonce)
    {
        if (!nonceLookups.TryGetValue((authorId, nonce), out var lookup))
        {
            lookup = new TaskCompletionSource<StoredMessage?>(TaskCreationOptions.RunContinuationsAsynchronously);
            nonceLookups[(authorId, nonce)] = lookup;
            if (!lookingUpNonces)
            {
                lookingUpNonces = true;
                // Runs on this activation's scheduler, interleaving with calls only at its awaits.
                _ = LookUpNoncesAsync();
            }
        }

        return lookup.Task;
    }

    private async Task LookUpNoncesAsync()
    {
        try
        {
            while (nonceLookups.Count > 0)
            {
                var batch = nonceLookups.Take(MaxNonceLookupBatch).ToList();
                foreach (var (key, _) in batch)
                {
                    nonceLookups.Remove(key);
                }

                try
                {
                    var found = await store.FindByNoncesAsync(ChannelId, [.. batch.Select(b => b.Key)], time.GetUtcNow() - MessageRules.NonceWindow, CancellationToken.None);
                    var byKey = found.Where(m => m.Nonce is not null).ToDictionary(m => (m.AuthorId, m.Nonce!));
                    foreach (var (key, lookup) in batch)
                    {
                        lookup.TrySetResult(byKey.GetValueOrDefault(key));
                    }
                }
                catch (Exception exception)
                {
                    foreach (var (_, lookup) in batch)
                    {
                        lookup.TrySetException(exception);
                    }
                }
            }
        }
        finally
        {
            lookingUpNonces = false;
        }
    }
}
