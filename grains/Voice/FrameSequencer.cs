namespace Chaos.Voice;

/// <summary>
/// Puts one speaker's frames back in order. Orleans does not promise message order between silos (two silos may talk
/// over two connections), so every hop of the media path numbers the frames it forwards without gaps — the front door
/// per connection, the room per participant — and the next hop releases them in that order. A missing number is a frame
/// still in flight; after <see cref="MaxPending"/> later frames it counts as lost and is skipped. An epoch (new stream
/// or new room activation) restarts the numbering. Not thread-safe: one owner at a time.
/// </summary>
public sealed class FrameSequencer<T>
{
    /// <summary>
    /// Frames held back waiting for a gap to fill before the gap counts as a loss. Generous, because a loaded silo can
    /// delay one message by a few hundred milliseconds; real losses (a failing silo) also end by <see cref="FlushStale"/>.
    /// </summary>
    public const int MaxPending = 25;

    private readonly SortedDictionary<long, T> pending = [];
    private long epoch;
    private long next;
    private long pendingSince;
    private bool started;

    /// <summary>Feeds one frame and hands every frame that is now in order to <paramref name="deliver"/>.</summary>
    public void Push<TState>(long frameEpoch, long index, T item, TState state, Action<TState, T> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (!started || frameEpoch != epoch)
        {
            // A stream that starts here starts at 1; one joined midway starts wherever it is.
            started = true;
            epoch = frameEpoch;
            next = index <= MaxPending ? 1 : index;
            pending.Clear();
        }

        if (index < next)
        {
            return;
        }

        if (index == next)
        {
            deliver(state, item);
            next++;
        }
        else
        {
            if (pending.Count == 0)
            {
                pendingSince = Environment.TickCount64;
            }

            pending.TryAdd(index, item);
            if (pending.Count <= MaxPending)
            {
                return;
            }

            next = pending.Keys.First();
        }

        Drain(state, deliver);
    }

    /// <summary>Gives up on a gap older than <paramref name="maxAgeMilliseconds"/> (a lost frame) and releases what waited.</summary>
    public void FlushStale<TState>(long maxAgeMilliseconds, TState state, Action<TState, T> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (pending.Count > 0 && Environment.TickCount64 - pendingSince > maxAgeMilliseconds)
        {
            next = pending.Keys.First();
            Drain(state, deliver);
        }
    }

    private void Drain<TState>(TState state, Action<TState, T> deliver)
    {
        while (pending.Remove(next, out var held))
        {
            deliver(state, held);
            next++;
        }

        if (pending.Count > 0)
        {
            pendingSince = Environment.TickCount64;
        }
    }
}
